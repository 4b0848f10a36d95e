package dev.sparkmnist.train;

import java.io.Serializable;

import dev.sparkmnist.nn.SparseRows;

/**
 * What one partition sends back for one Spark job, with the summed cross-entropy of the samples it drew: either a
 * gradient sum in double (synchronous SGD, exact) or its locally updated parameters followed by its velocity in
 * float (local SGD, whose working copy is float; half the bytes to collect).
 *
 * @param gradient the summed gradient, or null for a local-SGD result
 * @param model    float values: parameters then velocity (local SGD), or a float gradient with W1 input-major
 *                 (synchronous SGD on float gradients); null for a double gradient
 * @param w1Rows   for a float gradient whose W1 rows were left unwritten in {@code model} (only the collective
 *                 engine asks for that, through {@code PhaseRounds.compute}), what they are made of; else null
 */
public record PartitionResult(int partition, double[] gradient, float[] model, SparseRows w1Rows, double lossSum,
                              long samples) implements Serializable {

    static PartitionResult ofGradient(int partition, double[] gradient, double lossSum, long samples) {
        return new PartitionResult(partition, gradient, null, null, lossSum, samples);
    }

    static PartitionResult ofModel(int partition, float[] model, double lossSum, long samples) {
        return new PartitionResult(partition, null, model, null, lossSum, samples);
    }

    static PartitionResult ofFloatGradient(int partition, float[] gradient, SparseRows w1Rows, double lossSum,
                                           long samples) {
        return new PartitionResult(partition, null, gradient, w1Rows, lossSum, samples);
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
