package dev.sparkmnist.train;

import dev.sparkmnist.augment.Augmentation;
import dev.sparkmnist.data.InputScaling;

import java.io.Serializable;

/**
 * What every partition does in one Spark job: which global steps, with which batch size and learning rates, and
 * whether it returns a gradient (synchronous SGD) or runs the steps itself and returns its model (local SGD), and
 * how its training images are distorted ({@link Augmentation#NONE}: not at all).
 */
record StepPlan(long seed, long firstStep, double[] learningRates, int batchSize, int partitions, InputScaling scaling,
                double lambda, double momentum, boolean local, BatchSampler sampler, Augmentation augmentation)
        implements Serializable {

    int steps() {
        return learningRates.length;
    }

    /** Partition {@code p}'s fair share of the mini-batch: the batch split as evenly as possible. */
    int share(int p) {
        return batchSize / partitions + (p < batchSize % partitions ? 1 : 0);
    }
}
