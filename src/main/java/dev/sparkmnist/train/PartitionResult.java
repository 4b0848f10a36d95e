package dev.sparkmnist.train;

import java.io.Serializable;

/**
 * What one partition sends back for one Spark job, with the summed cross-entropy of the samples it drew: either a
 * gradient sum in double (synchronous SGD, exact) or its locally updated parameters followed by its velocity in
 * float (local SGD, whose working copy is float; half the bytes to collect).
 *
 * @param gradient the summed gradient, or null for a local-SGD result
 * @param model    float values: parameters then velocity (local SGD), or a float gradient with W1 input-major
 *                 (synchronous SGD on float gradients); null for a double gradient
 */
public record PartitionResult(int partition, double[] gradient, float[] model, double lossSum, long samples)
        implements Serializable {

    static PartitionResult ofGradient(int partition, double[] gradient, double lossSum, long samples) {
        return new PartitionResult(partition, gradient, null, lossSum, samples);
    }

    static PartitionResult ofModel(int partition, float[] model, double lossSum, long samples) {
        return new PartitionResult(partition, null, model, lossSum, samples);
    }

    static PartitionResult ofFloatGradient(int partition, float[] gradient, double lossSum, long samples) {
        return new PartitionResult(partition, null, gradient, lossSum, samples);
    }

    /** Number of values carried. */
    int length() {
        return gradient != null ? gradient.length : model.length;
    }

    /** Adds the carried values to {@code sum}, in double. */
    void addTo(double[] sum) {
        if (gradient != null) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += gradient[i];
            }
        } else {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += model[i];
            }
        }
    }
}
