package dev.sparkmnist.train;

import java.io.Serializable;

/**
 * How training spreads over partitions: each partition's own batch, how the partitions' models are combined, and
 * how the learning rate follows the global batch. Immutable, validated once.
 *
 * <p>With {@code partitionBatch > 0} every partition draws that many samples per step, so the global batch is
 * {@code partitions * partitionBatch}; the phase's {@code batchSize} becomes the reference batch at which its
 * learning rate and iteration count are given. The run keeps the phase's number of samples (epochs), so its
 * iterations shrink by reference/global. The learning rate is applied to the batch-summed gradient, so keeping it
 * while the batch grows is linear scaling of the per-sample rate (Goyal et al. 2017); the scale-up is capped at
 * {@code maxRateScale} and reached by a linear warm-up over the first {@code warmupFraction} of the phase. With
 * {@code partitionBatch == 0} the phase's batch is split over the partitions (the behaviour before issue 12).
 *
 * @param partitionBatch samples per partition per step, or 0 to split the phase's batch over the partitions
 * @param averaging      how models are combined after each job (local SGD)
 * @param warmupFraction share of a phase's iterations over which the rate scale rises linearly from 1
 * @param maxRateScale   cap on the per-sample learning-rate scale-up (global batch / reference batch)
 * @param postLocalFraction share of a phase run with one local step per job under {@link Averaging#POST_LOCAL}
 * @param maxGlobalBatch cap on the global batch (0: none): beyond {@code maxGlobalBatch / partitionBatch}
 *                       partitions the per-partition batch shrinks to {@code maxGlobalBatch / partitions} (at
 *                       least 1), because larger global batches measured fewer epochs' worth of progress
 * @param largeBatch     the batch the phase takes where its steps are synchronous ({@link LargeBatch}), or null
 */
public record ScaleOut(int partitionBatch, Averaging averaging, double warmupFraction, double maxRateScale,
                       double postLocalFraction, int maxGlobalBatch, LargeBatch largeBatch) implements Serializable {

    /** The behaviour before issue 12: the phase's batch split over the partitions, plain averaging. */
    public static final ScaleOut SPLIT = new ScaleOut(0, Averaging.PLAIN, 0, 1, 0, 0);

    /**
     * A larger global batch for the partition counts at which a phase with automatic local steps runs synchronous
     * SGD ({@link #localStepsFor}: from 5 partitions on), where every step is an exchange among the executors: the
     * same epochs in {@code globalBatch / batch} times fewer steps, so each step carries enough arithmetic per
     * executor to outweigh its exchange (docs/scale-out.md). A preset states one only where its accuracy was
     * measured to hold at that batch and rate.
     *
     * @param globalBatch the batch over all partitions (split over them)
     * @param rateFactor  multiplies the phase's batch-summed learning rate
     */
    public record LargeBatch(int globalBatch, double rateFactor) implements Serializable {
        public LargeBatch {
            PhaseConfig.require(globalBatch > 0, "a large batch must be positive, got " + globalBatch);
            PhaseConfig.require(rateFactor > 0 && Double.isFinite(rateFactor),
                    "a large batch's rate factor must be positive, got " + rateFactor);
        }
    }

    /** Without a large batch ({@link LargeBatch}). */
    public ScaleOut(int partitionBatch, Averaging averaging, double warmupFraction, double maxRateScale,
                    double postLocalFraction, int maxGlobalBatch) {
        this(partitionBatch, averaging, warmupFraction, maxRateScale, postLocalFraction, maxGlobalBatch, null);
    }

    public ScaleOut {
        PhaseConfig.require(partitionBatch >= 0, "--partition-batch must be 0 (split) or positive, got "
                + partitionBatch);
        PhaseConfig.require(averaging != null, "--averaging must be given");
        PhaseConfig.require(warmupFraction >= 0 && warmupFraction <= 1,
                "--warmup must be a fraction in [0, 1], got " + warmupFraction);
        PhaseConfig.require(maxRateScale >= 1 && Double.isFinite(maxRateScale),
                "--max-lr-scale must be at least 1, got " + maxRateScale);
        PhaseConfig.require(postLocalFraction >= 0 && postLocalFraction <= 1,
                "post-local fraction must be in [0, 1], got " + postLocalFraction);
        PhaseConfig.require(maxGlobalBatch >= 0, "--max-global-batch must be 0 (none) or positive, got "
                + maxGlobalBatch);
    }

    /** The same settings with another per-partition batch and averaging. */
    public ScaleOut with(int batch, Averaging avg) {
        return new ScaleOut(batch, avg, warmupFraction, maxRateScale, postLocalFraction, maxGlobalBatch, largeBatch);
    }

    /** The same settings without a large batch: the phases' batches as given. */
    public ScaleOut withoutLargeBatch() {
        return new ScaleOut(partitionBatch, averaging, warmupFraction, maxRateScale, postLocalFraction,
                maxGlobalBatch, null);
    }

    /**
     * What {@link Averaging#AUTO} becomes on {@code partitions} partitions: plain averaging at every count. Block
     * momentum (mu = 1 - 1/32) ended at 63.6% on 32 partitions (4 local steps, batch 4096) where plain averaging
     * reached 95.9% (docs/scale-out.md), so it stays an explicit option.
     */
    public static Averaging averagingFor(int partitions) {
        return Averaging.PLAIN;
    }

    /**
     * Local steps per job when the phase says auto (0): {@code 64 / partitions} up to 4 partitions (32 on 1 or 2,
     * 16 on 4), then 1, i.e. synchronous SGD. With the phase's batch split over the partitions, local steps on
     * small per-partition batches let the models drift apart: on real MNIST (seed 42) 16 partitions ended at
     * 98.01% with 4 local steps and 8 partitions at 98.05% with 2, against 98.23% with one step per job, which is
     * the same update as one worker with the whole batch. The price is one Spark job per iteration from 5
     * partitions on (docs/scale-out.md). With a per-partition batch ({@code partitionBatch > 0}) each partition's
     * batch stays large, and auto is {@code 64 / partitions}, at least 8, the setting its measurements used.
     */
    public static int localStepsFor(int partitions, int partitionBatch) {
        int p = Math.max(1, partitions);
        if (partitionBatch > 0) {
            return Math.max(8, 64 / p);
        }
        return p <= 4 ? Math.min(32, 64 / p) : 1;
    }

    /** The phase as it runs on {@code partitions} partitions. */
    public PhasePlan plan(PhaseConfig phase, int partitions) {
        Averaging avg = averaging == Averaging.AUTO ? averagingFor(partitions) : averaging;
        int local = phase.localSteps() == 0 ? localStepsFor(partitions, partitionBatch) : phase.localSteps();
        if (partitionBatch == 0 && largeBatch != null && phase.localSteps() == 0 && local == 1
                && avg != Averaging.BMUF && largeBatch.globalBatch() > phase.batchSize()) {
            int global = largeBatch.globalBatch();
            long iterations = Math.max(1, (long) Math.ceil((double) phase.iterations() * phase.batchSize() / global));
            return new PhasePlan(phase, global, 0, iterations, 1, avg, largeBatch.rateFactor(), 0,
                    largeBatch.rateFactor(), 0, 0);
        }
        if (partitionBatch == 0) {
            return new PhasePlan(phase, phase.batchSize(), 0, phase.iterations(), local, avg, 1, 0, 0,
                    avg == Averaging.BMUF ? 1 - 1.0 / partitions : 0, postLocal(avg, phase.iterations()));
        }
        int perPartition = maxGlobalBatch == 0 ? partitionBatch
                : Math.max(1, Math.min(partitionBatch, maxGlobalBatch / partitions));
        int global = Math.multiplyExact(perPartition, partitions);
        long iterations = Math.max(1, (long) Math.ceil((double) phase.iterations() * phase.batchSize() / global));
        double linear = (double) global / phase.batchSize();
        // Under block momentum each partition keeps the reference rate: the momentum on the averaged update
        // provides the scale-up, and applying both would multiply the step by the partition count twice.
        double scale = avg == Averaging.BMUF ? 1 : Math.min(linear, maxRateScale);
        long warmup = scale > 1 ? (long) Math.ceil(warmupFraction * iterations) : 0;
        return new PhasePlan(phase, global, perPartition, iterations, local, avg, scale / linear, warmup,
                1 / linear, avg == Averaging.BMUF ? 1 - 1.0 / partitions : 0, postLocal(avg, iterations));
    }

    private long postLocal(Averaging avg, long iterations) {
        return avg == Averaging.POST_LOCAL ? (long) Math.ceil(postLocalFraction * iterations) : 0;
    }
}
