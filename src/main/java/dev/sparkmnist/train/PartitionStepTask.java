package dev.sparkmnist.train;

import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.function.Function2;

import dev.sparkmnist.augment.KeyedDistorter;
import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.nn.Backprop;
import dev.sparkmnist.nn.FloatKernel;
import dev.sparkmnist.nn.InputMajorLayout;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.nn.Workspace;

/**
 * The executor side of one training round, for one partition: draw this partition's share of the mini-batch,
 * then either return the summed gradient (synchronous SGD) or take {@code steps} local optimiser steps and return
 * the resulting parameters and velocity (local SGD). Batch buffers are reused across rounds per task thread.
 * Local SGD works on a float copy of the model for the whole task: the gradients ({@link FloatKernel}, twice the
 * BLAS rate) and the optimiser steps are single precision, and the model travels as float both ways. The
 * synchronous gradient stays double, so the notebook preset and the gradient checks are exact. Within the task
 * W1 is input-major ({@link InputMajorLayout}), so blank pixels cost the first layer nothing. With an
 * augmentation the batch's images are distorted as they are copied in ({@link KeyedDistorter}, one per thread).
 */
final class PartitionStepTask implements Function2<Integer, Iterator<ImageBlock>, Iterator<PartitionResult>> {
    private static final long serialVersionUID = 1L;
    private static final ThreadLocal<Workspace> SCRATCH = new ThreadLocal<>();
    private static final ThreadLocal<int[]> INDICES = new ThreadLocal<>();
    private static final ThreadLocal<FloatKernel> FLOAT_SCRATCH = new ThreadLocal<>();
    private static final ThreadLocal<KeyedDistorter> DISTORTER = new ThreadLocal<>();

    private final LayerSizes sizes;
    /** double[] parameters for synchronous SGD; float[] parameters then velocity for local SGD. */
    private final ShippedModel<?> model;
    private final StepPlan plan;

    PartitionStepTask(LayerSizes sizes, ShippedModel<?> model, StepPlan plan) {
        this.sizes = sizes;
        this.model = model;
        this.plan = plan;
    }

    @Override
    public Iterator<PartitionResult> call(Integer partition, Iterator<ImageBlock> blocks) {
        if (!blocks.hasNext()) {
            throw new IllegalStateException("partition " + partition + " holds no training records");
        }
        ImageBlock block = blocks.next();
        if (blocks.hasNext()) {
            throw new IllegalStateException("partition " + partition + " holds more than one block");
        }
        // float gradients leave a sparse batch's W1 rows to the sum (RowSums), as on the collective engine
        return List.of(compute(sizes, plan, partition, block, model.value(), null, plan.floatGradients()))
                .iterator();
    }

    /**
     * Partition {@code p}'s work for one round on {@code block}, from {@code shipped} (double parameters for
     * synchronous SGD, float parameters then velocity for local SGD); scratch buffers are this thread's. A float
     * gradient is written into the arrays of {@code reuse} when it is given (an earlier result of this partition
     * that nobody reads any more); with {@code deferW1}, a float gradient of a sparse batch leaves W1's rows as
     * SparseRows.
     */
    static PartitionResult compute(LayerSizes sizes, StepPlan plan, int p, ImageBlock block, Object shipped,
                                   PartitionResult reuse, boolean deferW1) {
        int[] indices = INDICES.get();
        if (indices == null || indices.length < plan.bufferSize()) {
            indices = new int[plan.bufferSize()];
            INDICES.set(indices);
        }
        KeyedDistorter distorter = distorter(plan, block);
        if (plan.local()) {
            FloatKernel kernel = FloatKernel.fitting(FLOAT_SCRATCH.get(), sizes, plan.bufferSize());
            FLOAT_SCRATCH.set(kernel);
            return localSteps(sizes, plan, p, block, kernel, indices, (float[]) shipped, distorter);
        }
        if (plan.floatGradients()) {
            FloatKernel kernel = FloatKernel.fitting(FLOAT_SCRATCH.get(), sizes, plan.bufferSize());
            FLOAT_SCRATCH.set(kernel);
            return floatGradient(plan, p, block, kernel, indices, (float[]) shipped, distorter, reuse, deferW1);
        }
        Workspace ws = Workspace.fitting(SCRATCH.get(), sizes, plan.bufferSize());
        SCRATCH.set(ws);
        return gradient(sizes, plan, p, block, ws, indices, new Network(sizes, (double[]) shipped), distorter);
    }

    /** This thread's distorter for the plan's augmentation, or null when there is none. */
    private static KeyedDistorter distorter(StepPlan plan, ImageBlock block) {
        if (plan.augmentation().isNone()) {
            return null;
        }
        int side = (int) Math.round(Math.sqrt(block.pixelsPerImage()));
        if (side * side != block.pixelsPerImage()) {
            throw new IllegalStateException("distortions need square images, got " + block.pixelsPerImage()
                    + " pixels per image");
        }
        KeyedDistorter d = DISTORTER.get();
        if (d == null || !d.fits(plan.augmentation(), side, side)) {
            d = new KeyedDistorter(plan.augmentation(), side, side);
            DISTORTER.set(d);
        }
        return d;
    }

    private static PartitionResult gradient(LayerSizes sizes, StepPlan plan, int p, ImageBlock block, Workspace ws,
                                            int[] indices, Network net, KeyedDistorter distorter) {
        double[] grad = new double[sizes.parameterCount()];
        int drawn = draw(plan, p, plan.firstStep(), block, ws, indices, distorter);
        double loss = drawn == 0 ? 0 : Backprop.accumulate(net, ws, drawn, grad, plan.labelSmoothing());
        return PartitionResult.ofGradient(p, grad, loss, drawn);
    }

    /** The batch's summed float gradient at the input-major float {@code params}, on the sparse-input kernel. */
    private static PartitionResult floatGradient(StepPlan plan, int p, ImageBlock block, FloatKernel kernel,
                                                 int[] indices, float[] params, KeyedDistorter distorter,
                                                 PartitionResult reuse, boolean deferW1) {
        float[] old = reuse == null ? null : reuse.model();
        float[] grad = old != null && old.length == params.length ? old : new float[params.length];
        int drawn = plan.sampler().draw(plan.seed(), plan.firstStep(), p, block.firstRecord(), block.count(),
                plan.share(p), indices);
        double loss = 0;
        if (drawn == 0) {
            java.util.Arrays.fill(grad, 0f);
        } else {
            BatchAssembler.fill(block, indices, drawn, plan.scaling(), kernel, distorter, plan.seed(),
                    plan.firstStep(), p);
            float smoothing = (float) plan.labelSmoothing();
            float blank = BatchAssembler.blank(plan.scaling());
            // the collective engine's float weights change only between steps: the step names them
            loss = deferW1 ? kernel.gradientInputMajorDeferringW1(params, drawn, grad, smoothing, blank,
                    plan.firstStep(), reuse == null ? null : reuse.w1Rows())
                    : kernel.gradientInputMajor(params, drawn, grad, smoothing, blank);
        }
        return PartitionResult.ofFloatGradient(p, grad, deferW1 && drawn > 0 ? kernel.deferredRows() : null, loss,
                drawn);
    }

    private static PartitionResult localSteps(LayerSizes sizes, StepPlan plan, int p, ImageBlock block,
                                              FloatKernel kernel, int[] indices, float[] shipped,
                                              KeyedDistorter distorter) {
        long started = System.nanoTime();
        long distorting = 0;
        int n = sizes.parameterCount();
        float[] params = new float[n];
        float[] velocity = new float[n];
        InputMajorLayout.toInputMajor(sizes, shipped, 0, params);
        InputMajorLayout.toInputMajor(sizes, shipped, n, velocity);
        float[] grad = new float[n];
        float blank = BatchAssembler.blank(plan.scaling());
        double loss = 0;
        long samples = 0;
        for (int k = 0; k < plan.steps(); k++) {
            int drawn = plan.sampler().draw(plan.seed(), plan.firstStep() + k, p, block.firstRecord(), block.count(),
                    plan.share(p), indices);
            if (drawn == 0) {
                continue;
            }
            long t0 = System.nanoTime();
            BatchAssembler.fill(block, indices, drawn, plan.scaling(), kernel, distorter, plan.seed(),
                    plan.firstStep() + k, p);
            distorting += System.nanoTime() - t0;
            loss += kernel.gradientInputMajor(params, drawn, grad, (float) plan.labelSmoothing(), blank);
            samples += drawn;
            // Scale the local sum up to stand for the whole mini-batch, so the learning rate means the same
            // as in synchronous SGD.
            float scale = (float) plan.batchSize() / drawn;
            MomentumSgd.step(sizes, params, velocity, grad, scale, plan.learningRates()[k], plan.lambda(),
                    plan.momentum(), plan.nesterov());
        }
        float[] model = new float[2 * n];
        InputMajorLayout.fromInputMajor(sizes, params, model, 0);
        InputMajorLayout.fromInputMajor(sizes, velocity, model, n);
        if (distorter != null) {
            TaskClock.add(System.nanoTime() - started, distorting);
        }
        return PartitionResult.ofModel(p, model, loss, samples);
    }

    private static int draw(StepPlan plan, int p, long step, ImageBlock block, Workspace ws, int[] indices,
                            KeyedDistorter distorter) {
        int drawn = plan.sampler().draw(plan.seed(), step, p, block.firstRecord(), block.count(), plan.share(p),
                indices);
        BatchAssembler.fill(block, indices, drawn, plan.scaling(), ws, distorter, plan.seed(), step, p);
        return drawn;
    }
}
