package dev.sparkmnist.train;

/**
 * One phase as it runs on a given number of partitions ({@link ScaleOut#plan}): global and per-partition batch,
 * iterations, local steps, averaging and the learning-rate factor with its warm-up.
 *
 * @param phase            the configured phase (rate, schedule, lambda, momentum)
 * @param globalBatch      samples per step over all partitions; the summed gradient stands for this many
 * @param partitionBatch   samples per partition per step, or 0 when the global batch is split over partitions
 * @param iterations       steps in this phase
 * @param localSteps       local steps per Spark job (after any post-local start)
 * @param averaging        how models are combined, never {@link Averaging#AUTO}
 * @param rateFactor       multiplies the phase's (batch-summed) learning rate after warm-up
 * @param warmupIterations steps over which the factor rises linearly from {@code warmupStartFactor}
 * @param warmupStartFactor the factor at step 0 of the warm-up (the reference batch's per-sample rate)
 * @param blockMomentum    BMUF's block momentum mu, 0 unless {@link Averaging#BMUF}
 * @param syncIterations   steps at the phase's start run one local step per job (post-local SGD)
 */
public record PhasePlan(PhaseConfig phase, int globalBatch, int partitionBatch, long iterations, int localSteps,
                        Averaging averaging, double rateFactor, long warmupIterations, double warmupStartFactor,
                        double blockMomentum, long syncIterations) implements java.io.Serializable {

    /** The batch-summed learning rate of step {@code t} (0-based) of the phase. */
    public double rate(long t) {
        double r = phase.schedule().at(phase.learningRate(), t, iterations);
        double f = rateFactor;
        if (t < warmupIterations) {
            f = warmupStartFactor + (rateFactor - warmupStartFactor) * (t + 1) / (double) warmupIterations;
        }
        return f == 1 ? r : r * f;
    }

    /** Local steps of the job that starts at step {@code done}. */
    public int stepsAt(long done) {
        int h = done < syncIterations ? 1 : localSteps;
        return (int) Math.min(h, iterations - done);
    }

    /**
     * True when partitions train their own float copies and the models are averaged: when some round runs more
     * than one local step, and under block momentum.
     */
    public boolean local() {
        return localSteps > 1 || averaging == Averaging.BMUF;
    }

    /**
     * True when the local steps were chosen automatically and came out as one per round (from 5 partitions on with
     * the batch split): synchronous SGD whose partitions compute float gradients on the sparse-input kernel of local
     * SGD, summed in float in partition order; weights and velocity are float and the update is local SGD's float
     * {@link MomentumSgd} step ({@link ShardedUpdate}). An explicit {@code --local-steps 1} keeps double gradients
     * and a double update (the notebook's exact arithmetic).
     */
    public boolean floatGradients() {
        return !local() && phase.localSteps() == 0;
    }

    /** Per-sample learning rate after warm-up: the batch-summed rate times the global batch. */
    public double perSampleRate() {
        return phase.learningRate() * rateFactor * globalBatch;
    }

    /** One log line: batches, rate, local steps, averaging. */
    public String describe(int partitions) {
        return String.format(java.util.Locale.ROOT, "%d partitions x %s = global batch %d, %d iterations, "
                        + "per-sample lr %.4g (reference batch %d: %.4g)%s, local steps %d, averaging %s%s%s",
                partitions, partitionBatch == 0 ? String.format(java.util.Locale.ROOT, "%s (batch split)",
                        globalBatch % partitions == 0 ? String.valueOf(globalBatch / partitions)
                                : globalBatch / partitions + "-" + (globalBatch / partitions + 1))
                        : String.valueOf(partitionBatch), globalBatch, iterations,
                perSampleRate(), phase.batchSize(), phase.learningRate() * phase.batchSize(),
                warmupIterations > 0 ? ", warm-up " + warmupIterations + " iterations" : "", localSteps,
                averaging.label(), blockMomentum > 0 ? String.format(java.util.Locale.ROOT, " (block momentum %.4f)",
                        blockMomentum) : "", syncIterations > 0 ? ", first " + syncIterations
                        + " iterations one step per job" : "");
    }
}
