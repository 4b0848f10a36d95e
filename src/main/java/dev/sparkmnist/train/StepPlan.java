package dev.sparkmnist.train;

import dev.sparkmnist.augment.Augmentation;
import dev.sparkmnist.data.InputScaling;

import java.io.Serializable;

/**
 * What every partition does in one Spark job: which global steps, with which batch size and learning rates, and
 * the global batch (which the summed gradient stands for) and each partition's
 * share, whether it returns a gradient (synchronous SGD; a float one from the sparse kernel with
 * {@code floatGradients}) or runs the steps itself and returns its model (local SGD),
 * and how its training images are distorted ({@link Augmentation#NONE}: not at all).
 */
record StepPlan(long seed, long firstStep, double[] learningRates, int batchSize, int partitionBatch, int partitions,
                InputScaling scaling, double lambda, double momentum, boolean nesterov, double labelSmoothing,
                boolean local, boolean floatGradients, BatchSampler sampler, Augmentation augmentation)
        implements Serializable {

    int steps() {
        return learningRates.length;
    }

    /**
     * Partition {@code p}'s samples per step: its own batch, or its fair share of the mini-batch (split as evenly
     * as possible) when there is no per-partition batch.
     */
    int share(int p) {
        if (partitionBatch > 0) {
            return partitionBatch;
        }
        return batchSize / partitions + (p < batchSize % partitions ? 1 : 0);
    }

    /** Room a task's batch buffers need: the per-partition batch, or the whole batch when it is split. */
    int bufferSize() {
        return partitionBatch > 0 ? partitionBatch : batchSize;
    }
}
