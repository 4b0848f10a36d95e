package dev.sparkmnist.train;

import java.io.Serializable;

/**
 * What one partition sends back for one Spark job: a gradient sum (synchronous SGD) or its locally updated
 * parameters followed by its velocity (local SGD), with the summed cross-entropy of the samples it drew.
 */
public record PartitionResult(int partition, double[] values, double lossSum, long samples) implements Serializable {
}
