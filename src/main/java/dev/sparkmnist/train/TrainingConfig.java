package dev.sparkmnist.train;

import java.io.Serializable;
import java.util.List;

import dev.sparkmnist.augment.Augmentation;
import dev.sparkmnist.data.InputScaling;

/**
 * Everything that decides a training run's result: network width, seed, input scaling, partitions and the
 * phases. Immutable and validated once, at construction.
 *
 * @param hidden     hidden units H
 * @param seed       seeds the initial weights and every mini-batch draw
 * @param scaling    how pixels become inputs; a standard scaling may still be {@link InputScaling#toLearn() to
 *                   be learnt} until the training job has read its data
 * @param partitions how many partitions (and so tasks per Spark job) the training data is split into
 * @param logEvery   iterations between progress lines
 * @param phases     one or more training phases, run in order
 * @param scaleOut   per-partition batch, averaging and rate scaling ({@link ScaleOut#SPLIT}: the old split)
 * @param augmentation how training images are distorted on the executors, {@link Augmentation#NONE} for not
 * @param tol        convergence tolerance, Spark's {@code tol}: training stops once an epoch's mean loss improves
 *                   on the previous epoch's by a relative amount below it ({@link Convergence}); 0 = off, every
 *                   phase runs all its iterations
 */
public record TrainingConfig(int hidden, long seed, InputScaling scaling, int partitions, long logEvery,
                             List<PhaseConfig> phases, ScaleOut scaleOut, Augmentation augmentation, double tol)
        implements Serializable {

    /** A configuration that splits each phase's batch over the partitions ({@link ScaleOut#SPLIT}). */
    public TrainingConfig(int hidden, long seed, InputScaling scaling, int partitions, long logEvery,
                          List<PhaseConfig> phases) {
        this(hidden, seed, scaling, partitions, logEvery, phases, ScaleOut.SPLIT);
    }

    /** Without a convergence check ({@code tol} 0): every phase runs all its iterations. */
    public TrainingConfig(int hidden, long seed, InputScaling scaling, int partitions, long logEvery,
                          List<PhaseConfig> phases, ScaleOut scaleOut, Augmentation augmentation) {
        this(hidden, seed, scaling, partitions, logEvery, phases, scaleOut, augmentation, 0);
    }

    /** Without distortions. */
    public TrainingConfig(int hidden, long seed, InputScaling scaling, int partitions, long logEvery,
                          List<PhaseConfig> phases, ScaleOut scaleOut) {
        this(hidden, seed, scaling, partitions, logEvery, phases, scaleOut, Augmentation.NONE);
    }

    public TrainingConfig {
        PhaseConfig.require(hidden >= 1 && hidden <= 100_000, "--hidden must be 1..100000, got " + hidden);
        PhaseConfig.require(scaling != null, "--scaling must be one of raw, unit or standard");
        PhaseConfig.require(partitions >= 1 && partitions <= 100_000,
                "--partitions must be 1..100000, got " + partitions);
        PhaseConfig.require(logEvery >= 1, "--log-every must be at least 1, got " + logEvery);
        PhaseConfig.require(phases != null && !phases.isEmpty(), "at least one training phase is needed");
        phases = List.copyOf(phases);
        PhaseConfig.require(scaleOut != null, "scale-out settings must be given");
        augmentation = augmentation == null ? Augmentation.NONE : augmentation;
        requireTol(tol);
    }

    /**
     * Refuses a convergence tolerance that is not a finite number {@code >= 0}, naming {@code --tol}: the check the
     * constructor makes, also called by the command line before it fetches or reads any data.
     */
    public static void requireTol(double tol) {
        PhaseConfig.require(Double.isFinite(tol) && tol >= 0, "--tol must be a finite number >= 0 (0: off), got "
                + tol);
    }

    /** The same configuration with {@code resolved} input scaling (a standard scaling's learnt statistics). */
    public TrainingConfig withScaling(InputScaling resolved) {
        return new TrainingConfig(hidden, seed, resolved, partitions, logEvery, phases, scaleOut, augmentation, tol);
    }

    /** Total iterations over all phases, as they run on {@link #partitions} partitions. */
    public long totalIterations() {
        return phases.stream().mapToLong(p -> scaleOut.plan(p, partitions).iterations()).sum();
    }

    /** Phase {@code i} as it runs on {@link #partitions} partitions. */
    public PhasePlan plan(int i) {
        return scaleOut.plan(phases.get(i), partitions);
    }

    /** The same configuration with another seed. */
    public TrainingConfig withSeed(long newSeed) {
        return new TrainingConfig(hidden, newSeed, scaling, partitions, logEvery, phases, scaleOut, augmentation, tol);
    }

    /** The same configuration with convergence tolerance {@code newTol} (0: off). */
    public TrainingConfig withTol(double newTol) {
        return new TrainingConfig(hidden, seed, scaling, partitions, logEvery, phases, scaleOut, augmentation, newTol);
    }
}
