package dev.sparkmnist.train;

import java.io.Serializable;

/**
 * The hyperparameters of one training phase. The notebook trains in two phases (lr 0.001 / lambda 0.05, then
 * lr 0.0001 / lambda 0.02); a later phase continues from the weights the previous one left.
 *
 * @param iterations   mini-batches of {@code batchSize} to process
 * @param batchSize    samples per mini-batch summed over all partitions; with a per-partition batch
 *                     ({@link ScaleOut}) the reference batch at which rate and iterations are given
 * @param learningRate step size applied to the batch-summed gradient (the notebook's epsilon)
 * @param lambda       L2 regularisation strength
 * @param momentum     heavy-ball momentum, 0 for the notebook's plain gradient descent
 * @param localSteps   optimiser steps each partition takes per Spark job before the models are averaged;
 *                     1 is exact synchronous SGD (one gradient sum per job); 0 = auto, chosen from the
 *                     partition count ({@link ScaleOut#localStepsFor})
 * @param schedule     how the learning rate moves during the phase
 * @param nesterov     Nesterov's look-ahead form of the momentum step instead of heavy-ball
 * @param labelSmoothing share of each label's target spread evenly over all classes (0: plain one-hot targets)
 */
public record PhaseConfig(long iterations, int batchSize, double learningRate, double lambda, double momentum,
                          int localSteps, LearningRateSchedule schedule, boolean nesterov, double labelSmoothing)
        implements Serializable {

    /** Heavy-ball momentum on one-hot targets (the notebook's loss). */
    public PhaseConfig(long iterations, int batchSize, double learningRate, double lambda, double momentum,
                       int localSteps, LearningRateSchedule schedule) {
        this(iterations, batchSize, learningRate, lambda, momentum, localSteps, schedule, false, 0);
    }

    /** Validates every value once, naming the command-line option in the message. */
    public PhaseConfig {
        require(iterations >= 1, "--iterations must be at least 1, got " + iterations);
        require(batchSize >= 1, "--batch-size must be at least 1, got " + batchSize);
        require(Double.isFinite(learningRate) && learningRate > 0,
                "--lr must be a positive number, got " + learningRate);
        require(Double.isFinite(lambda) && lambda >= 0, "--lambda must be zero or positive, got " + lambda);
        require(Double.isFinite(momentum) && momentum >= 0 && momentum < 1,
                "--momentum must be in [0, 1), got " + momentum);
        require(localSteps >= 0, "--local-steps must be auto or at least 1, got " + localSteps);
        require(schedule != null, "--schedule must be given");
        require(Double.isFinite(labelSmoothing) && labelSmoothing >= 0 && labelSmoothing < 1,
                "--label-smoothing must be in [0, 1), got " + labelSmoothing);
    }

    /** The notebook's plain gradient descent: no momentum, one step per job, constant rate. */
    public static PhaseConfig plain(long iterations, int batchSize, double learningRate, double lambda) {
        return new PhaseConfig(iterations, batchSize, learningRate, lambda, 0, 1, LearningRateSchedule.CONSTANT);
    }

    /** The same phase with another number of iterations. */
    public PhaseConfig withIterations(long n) {
        return new PhaseConfig(n, batchSize, learningRate, lambda, momentum, localSteps, schedule, nesterov,
                labelSmoothing);
    }

    /** The same phase with another local-step count (0: auto). */
    public PhaseConfig withLocalSteps(int k) {
        return new PhaseConfig(iterations, batchSize, learningRate, lambda, momentum, k, schedule, nesterov,
                labelSmoothing);
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidConfigException(message);
        }
    }
}
