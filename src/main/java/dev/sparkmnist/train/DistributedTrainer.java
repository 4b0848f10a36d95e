package dev.sparkmnist.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.augment.Augmentation;
import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;

/**
 * The Spark driver loop. Each round ships the weights ({@link ShippedModel}), runs one Spark job in which every
 * partition works on its share of the mini-batch ({@link PartitionStepTask}), and combines the partitions' results on the driver:
 * with one local step it sums their gradients and applies {@link MomentumSgd} (exact synchronous SGD, the
 * notebook's update); with several it averages, in double, the partitions' locally updated models (which are
 * float, so the averaged model carries float precision).
 *
 * <p>Results are combined in partition order, never in the order tasks happen to finish, so a run is
 * reproducible bit for bit: the same configuration and partitioning give the same weights, also after a task is
 * retried or a run is resumed. (Spark's {@code treeAggregate} merges in completion order, which changes the last
 * bits of a floating-point sum from run to run; with MNIST-sized models the per-partition results are small, so
 * collecting them costs no more than a tree would.)
 */
public final class DistributedTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);

    private final JavaSparkContext sc;
    private final TrainingConfig config;
    private final BatchSampler sampler;
    private final List<TrainingListener> listeners;

    public DistributedTrainer(JavaSparkContext sc, TrainingConfig config, BatchSampler sampler,
                              List<TrainingListener> listeners) {
        if (config.scaling().needsStatistics()) {
            throw new IllegalStateException("standard scaling must be learnt from the data before training");
        }
        this.sc = sc;
        this.config = config;
        this.sampler = sampler;
        this.listeners = List.copyOf(listeners);
    }

    /** Trains from {@code from} to the end of the last phase and returns the final state. */
    public TrainingState train(JavaRDD<ImageBlock> blocks, TrainingState from) {
        int partitions = blocks.getNumPartitions();
        LayerSizes sizes = from.network().sizes();
        for (PhaseConfig phase : config.phases()) {
            if (phase.localSteps() > 1 && phase.batchSize() < partitions) {
                throw new InvalidConfigException(String.format(
                        "--batch-size %d is smaller than the %d partitions; local SGD (--local-steps %d) needs "
                                + "at least one sample per partition", phase.batchSize(), partitions,
                        phase.localSteps()));
            }
        }
        long started = System.nanoTime();
        TrainingState state = from;
        for (int phaseIndex = from.phase(); phaseIndex < config.phases().size(); phaseIndex++) {
            PhaseConfig phase = config.phases().get(phaseIndex);
            boolean resuming = phaseIndex == from.phase();
            long done = resuming ? from.phaseIteration() : 0;
            double[] velocity = resuming ? from.velocity().clone() : new double[sizes.parameterCount()];
            Network net = state.network().copy();
            long globalStep = state.globalStep();
            LOG.info("phase {}/{}: {} iterations, batch {}, lr {}, lambda {}, momentum {}, local steps {}, "
                            + "schedule {}{}", phaseIndex + 1, config.phases().size(), phase.iterations(),
                    phase.batchSize(), phase.learningRate(), phase.lambda(), phase.momentum(), phase.localSteps(),
                    phase.schedule().name().toLowerCase(), done > 0 ? ", resuming at iteration " + done : "");
            while (done < phase.iterations()) {
                int steps = (int) Math.min(phase.localSteps(), phase.iterations() - done);
                double[] rates = new double[steps];
                for (int k = 0; k < steps; k++) {
                    rates[k] = phase.schedule().at(phase.learningRate(), done + k, phase.iterations());
                }
                boolean local = phase.localSteps() > 1;
                StepPlan plan = new StepPlan(config.seed(), globalStep, rates, phase.batchSize(), partitions,
                        config.scaling(), phase.lambda(), phase.momentum(), local, sampler, config.augmentation());
                RoundOutcome outcome = runRound(blocks, sizes, net, velocity, plan);
                if (!local) {
                    MomentumSgd.step(sizes, net.parameters(), velocity, outcome.combined(), rates[0], phase.lambda(),
                            phase.momentum());
                }
                done += steps;
                globalStep += steps;
                double batchLoss = outcome.samples() == 0 ? 0
                        : outcome.lossSum() / outcome.samples() + net.l2Penalty(phase.lambda()) / phase.batchSize();
                state = new TrainingState(phaseIndex, done, globalStep, net, velocity);
                if (!Double.isFinite(batchLoss) || !net.isFinite()) {
                    throw new TrainingDivergedException(String.format(
                            "training diverged at iteration %d of phase %d (loss %s%s) with lr %s, lambda %s, "
                                    + "momentum %s, batch %d: try a smaller learning rate (--lr)",
                            done, phaseIndex + 1, batchLoss, net.isFinite() ? "" : ", weights not finite",
                            phase.learningRate(), phase.lambda(), phase.momentum(), phase.batchSize()));
                }
                RoundStats stats = new RoundStats(phaseIndex, steps, batchLoss, outcome.samples(), rates[0],
                        System.nanoTime() - started);
                for (TrainingListener l : listeners) {
                    l.afterRound(state, stats);
                }
            }
            state = new TrainingState(phaseIndex + 1, 0, globalStep, net, new double[sizes.parameterCount()]);
        }
        for (TrainingListener l : listeners) {
            l.finished(state);
        }
        return state;
    }

    /**
     * The summed gradient (no L2 term) and summed cross-entropy of global step {@code step}'s mini-batch, computed
     * through Spark exactly as a synchronous training round does; the last element of the returned array is the
     * loss. For tests and benchmarks.
     */
    public double[] batchGradient(JavaRDD<ImageBlock> blocks, Network net, long step, int batchSize) {
        StepPlan plan = new StepPlan(config.seed(), step, new double[] {0}, batchSize, blocks.getNumPartitions(),
                config.scaling(), 0, 0, false, sampler, Augmentation.NONE);
        RoundOutcome outcome = runRound(blocks, net.sizes(), net, null, plan);
        double[] out = Arrays.copyOf(outcome.combined(), outcome.combined().length + 1);
        out[out.length - 1] = outcome.lossSum();
        return out;
    }

    /**
     * One Spark job: returns the partitions' gradients summed (synchronous) or their models averaged into
     * {@code net} and {@code velocity} (local), and the summed loss.
     */
    private RoundOutcome runRound(JavaRDD<ImageBlock> blocks, LayerSizes sizes, Network net, double[] velocity,
                                  StepPlan plan) {
        int n = sizes.parameterCount();
        ShippedModel<?> model = plan.local() ? ShippedModel.of(sc, toFloat(net.parameters(), velocity))
                : ShippedModel.of(sc, net.parameters().clone());
        try {
            List<PartitionResult> results = blocks
                    .mapPartitionsWithIndex(new PartitionStepTask(sizes, model, plan), true)
                    .collect();
            List<PartitionResult> ordered = new ArrayList<>(results);
            ordered.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            double[] sum = new double[ordered.get(0).length()];
            double loss = 0;
            long samples = 0;
            for (PartitionResult r : ordered) {
                r.addTo(sum);
                loss += r.lossSum();
                samples += r.samples();
            }
            if (plan.local()) {
                double inv = 1.0 / ordered.size();
                double[] p = net.parameters();
                for (int i = 0; i < n; i++) {
                    p[i] = sum[i] * inv;
                    velocity[i] = sum[n + i] * inv;
                }
            }
            return new RoundOutcome(sum, loss, samples);
        } finally {
            model.release();
        }
    }

    /** Parameters then velocity, rounded to float: local SGD's working copy. */
    private static float[] toFloat(double[] params, double[] velocity) {
        int n = params.length;
        float[] out = new float[2 * n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) params[i];
            out[n + i] = (float) velocity[i];
        }
        return out;
    }

    private record RoundOutcome(double[] combined, double lossSum, long samples) {
    }
}
