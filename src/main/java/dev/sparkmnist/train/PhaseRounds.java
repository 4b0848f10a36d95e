package dev.sparkmnist.train;

import java.io.Serializable;

import dev.sparkmnist.augment.Augmentation;
import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;

/**
 * The arithmetic of one phase, round by round, that every engine runs: which steps a round covers and with which
 * rates ({@link #round}), what the partitions start from ({@link #ship}), what one partition computes
 * ({@link #compute}), and how the partitions' results, summed in partition order, update the model
 * ({@link #apply}). The job-per-round engine runs the partitions in Spark tasks and the rest on the driver; the
 * collective engine runs all of it inside the tasks of one stage. Because both call this class, and sum in the same
 * order, they produce the same weights bit for bit.
 */
public final class PhaseRounds implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long seed;
    private final BatchSampler sampler;
    private final InputScaling scaling;
    private final Augmentation augmentation;
    private final int partitions;
    private final int phaseIndex;
    private final int phases;
    private final PhasePlan plan;
    private final LayerSizes sizes;
    private final double tol;
    /** Iterations per epoch of the convergence check ({@link Convergence}); 0 when it is off. */
    private final long epochIterations;

    /**
     * The phase {@code phaseIndex} of {@code config} on {@code partitions} partitions; {@code records} training
     * records make an epoch of the convergence check (unused when {@code config.tol()} is 0).
     */
    PhaseRounds(TrainingConfig config, BatchSampler sampler, int phaseIndex, int partitions, LayerSizes sizes,
                long records) {
        this.seed = config.seed();
        this.sampler = sampler;
        this.scaling = config.scaling();
        this.augmentation = config.augmentation();
        this.partitions = partitions;
        this.phaseIndex = phaseIndex;
        this.phases = config.phases().size();
        this.plan = config.scaleOut().plan(config.phases().get(phaseIndex), partitions);
        this.sizes = sizes;
        this.tol = config.tol();
        this.epochIterations = tol > 0 ? Math.max(1, (records + plan.globalBatch() - 1) / plan.globalBatch()) : 0;
    }

    public PhasePlan plan() {
        return plan;
    }

    /** Logical partitions: the order in which results are summed, whatever the number of tasks. */
    public int partitions() {
        return partitions;
    }

    public int phaseIndex() {
        return phaseIndex;
    }

    public int phases() {
        return phases;
    }

    public LayerSizes sizes() {
        return sizes;
    }

    /** Iterations per epoch of the convergence check ({@link Convergence}), 0 when {@code tol} is 0 (off). */
    public long epochIterations() {
        return epochIterations;
    }

    /**
     * True when the round starting at step {@code done} of the phase ends an epoch of the convergence check, so
     * training may stop after it: known before the round runs, so an engine can gather the whole state then.
     */
    public boolean endsEpoch(long done, int steps) {
        return epochIterations > 0 && (done + steps) / epochIterations > done / epochIterations;
    }

    /** Values each partition contributes per round: the gradient, or parameters then velocity (local SGD). */
    public int contributionLength() {
        return plan.local() ? 2 * sizes.parameterCount() : sizes.parameterCount();
    }

    /** The round that starts at step {@code done} of the phase, global step {@code globalStep}. */
    public Round round(long done, long globalStep) {
        int steps = plan.stepsAt(done);
        double[] rates = new double[steps];
        for (int k = 0; k < steps; k++) {
            rates[k] = plan.rate(done + k);
        }
        PhaseConfig phase = plan.phase();
        return new Round(new StepPlan(seed, globalStep, rates, plan.globalBatch(), plan.partitionBatch(), partitions,
                scaling, phase.lambda(), phase.momentum(), phase.nesterov(), phase.labelSmoothing(), plan.local(),
                plan.floatGradients(), sampler, augmentation));
    }

    /**
     * Where the partitions start this round: the parameters (synchronous), or under block momentum the
     * look-ahead point; {@link #apply} needs it back. Null in a phase of float gradients, whose cursor holds float
     * weights ({@link #ship}).
     */
    public double[] start(PhaseCursor cursor) {
        if (plan.floatGradients()) {
            return null;   // the partitions start from the cursor's float weights (ship)
        }
        return cursor.blockMomentum().length > 0
                ? BlockMomentum.start(cursor.network().parameters(), cursor.blockMomentum(), plan.blockMomentum())
                : cursor.network().parameters();
    }

    /**
     * What travels to the partitions: float parameters then velocity (local SGD), a copy of the float parameters
     * with W1 input-major as the cursor holds them (float gradients), or double parameters.
     */
    public Object ship(PhaseCursor cursor, double[] start) {
        if (plan.local()) {
            return toFloat(start, cursor.velocity());
        }
        return plan.floatGradients() ? cursor.floatWeights().clone() : cursor.network().parameters().clone();
    }

    /**
     * Whether this phase's update can run slice by slice ({@link #updateSlice}, then {@link #finishRound}): the
     * synchronous steps on float gradients.
     */
    public boolean shardedUpdate() {
        return plan.floatGradients();
    }

    /** Where slice {@code t} of {@code slices} of the contribution starts (chunk-aligned, see ShardedUpdate). */
    public int sliceStart(int t, int slices) {
        return ShardedUpdate.boundary(contributionLength(), t, slices);
    }

    /** The number of partial sums of the L2 term ({@link #updateSlice}'s {@code squares}). */
    public int l2Chunks() {
        return ShardedUpdate.chunks(sizes.parameterCount());
    }

    /**
     * Steps the float parameters {@code [from, to)} of {@code cursor} (boundaries from {@link #sliceStart}) with
     * their partition-ordered gradient sum (made chunk by chunk by {@code sum}), and writes those chunks' L2 partial
     * sums into {@code squares}. Returns false when a weight of the slice is not finite.
     * The cursor does not advance: {@link #finishRound} does, once every slice is done.
     */
    public boolean updateSlice(PhaseCursor cursor, Round round, ShardedUpdate.GradientSource sum, int from, int to,
                               double[] squares) {
        PhaseConfig phase = plan.phase();
        return ShardedUpdate.step(sizes, cursor.floatWeights(), cursor.floatVelocity(), sum, from, to,
                round.plan().learningRates()[0], phase.lambda(), phase.momentum(), phase.nesterov(), squares);
    }

    /**
     * Ends a round updated slice by slice: advances the cursor and returns the round's mean loss, the L2 term
     * from every chunk's {@code squares} in chunk order; {@code finite} is false when any slice was not.
     */
    public double finishRound(PhaseCursor cursor, double[] squares, boolean finite, double lossSum, long samples,
                              Round round) {
        double batchLoss = samples == 0 ? 0
                : lossSum / samples + ShardedUpdate.l2Penalty(squares, plan.phase().lambda()) / plan.globalBatch();
        return endRound(cursor, round, batchLoss, finite);
    }

    /** One partition's work for {@code round}: its gradient sum, or its model after the round's local steps. */
    public PartitionResult compute(Round round, int partition, ImageBlock block, Object shipped) {
        return compute(round, partition, block, shipped, null, false);
    }

    /**
     * As {@link #compute(Round, int, ImageBlock, Object)}, writing a float gradient into {@code previous}'s arrays
     * (this partition's result of an earlier round, which nobody reads any more) instead of new ones; with
     * {@code deferW1}, a float gradient of a sparse batch leaves W1's rows unwritten and carries them as
     * {@link PartitionResult#w1Rows()}, for an engine whose slice owners compute the rows they sum (the same values
     * to the bit).
     */
    public PartitionResult compute(Round round, int partition, ImageBlock block, Object shipped,
                                   PartitionResult previous, boolean deferW1) {
        return PartitionStepTask.compute(sizes, round.plan(), partition, block, shipped, previous, deferW1);
    }

    /**
     * Updates {@code cursor} with the round's results: {@code sum} holds every partition's contribution added in
     * partition order, in double; {@code start} is what {@link #start} gave. Then advances the cursor and returns
     * the round's mean loss (the notebook's: cross-entropy plus the L2 term over the batch).
     */
    public double apply(PhaseCursor cursor, Round round, double[] sum, double[] start, double lossSum,
                        long samples) {
        int n = sizes.parameterCount();
        if (shardedUpdate()) {
            // With float gradients, sum and cursor both hold W1 input-major: the elementwise step is unchanged; the
            // sum holds float values widened to double (PartitionResult.sumInOrder).
            double[] squares = new double[l2Chunks()];
            boolean finite = updateSlice(cursor, round, ShardedUpdate.GradientSource.of(sum, 0, n), 0, n, squares);
            return finishRound(cursor, squares, finite, lossSum, samples, round);
        }
        Network net = cursor.network();
        if (plan.local()) {
            double inv = 1.0 / partitions;
            boolean bmuf = cursor.blockMomentum().length == n;
            double[] p = bmuf ? new double[n] : net.parameters();
            double[] velocity = cursor.velocity();
            for (int i = 0; i < n; i++) {
                p[i] = sum[i] * inv;
                velocity[i] = sum[n + i] * inv;
            }
            if (bmuf) {
                BlockMomentum.apply(net.parameters(), cursor.blockMomentum(), start, p, plan.blockMomentum());
            }
        } else {
            PhaseConfig phase = plan.phase();
            MomentumSgd.step(sizes, net.parameters(), cursor.velocity(), sum, round.plan().learningRates()[0],
                    phase.lambda(), phase.momentum(), phase.nesterov());
        }
        double batchLoss = samples == 0 ? 0
                : lossSum / samples + net.l2Penalty(plan.phase().lambda()) / plan.globalBatch();
        return endRound(cursor, round, batchLoss, net.isFinite());
    }

    /**
     * Advances the cursor past {@code round}, checks that it stayed finite and takes its loss into the convergence
     * check; returns the loss.
     */
    private double endRound(PhaseCursor cursor, Round round, double batchLoss, boolean weightsFinite) {
        boolean endsEpoch = endsEpoch(cursor.done(), round.steps());
        cursor.advance(round.steps());
        checkFinite(cursor, batchLoss, weightsFinite);
        if (tol > 0) {
            cursor.convergence = cursor.convergence.after(batchLoss, round.steps(), endsEpoch, tol);
        }
        return batchLoss;
    }

    private void checkFinite(PhaseCursor cursor, double batchLoss, boolean weightsFinite) {
        if (!Double.isFinite(batchLoss) || !weightsFinite) {
            PhaseConfig phase = plan.phase();
            throw new TrainingDivergedException(String.format(
                    "training diverged at iteration %d of phase %d (loss %s%s) with lr %s, lambda %s, "
                            + "momentum %s, batch %d: try a smaller learning rate (--lr)",
                    cursor.done(), phaseIndex + 1, batchLoss, weightsFinite ? "" : ", weights not finite",
                    phase.learningRate(), phase.lambda(), phase.momentum(), plan.globalBatch()));
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

    /** One round: the steps it covers and their learning rates. */
    public record Round(StepPlan plan) implements Serializable {
        public int steps() {
            return plan.steps();
        }

        public double firstRate() {
            return plan.learningRates()[0];
        }
    }
}
