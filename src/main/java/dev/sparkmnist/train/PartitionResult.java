package dev.sparkmnist.train;

import java.io.Serializable;

import dev.sparkmnist.nn.SparseRows;
import dev.sparkmnist.nn.VectorMath;

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

    /**
     * The results' values added in the order given (partition order): float gradients in float, the total widened
     * to double once; double gradients and local SGD's float models in double. The collective engine's slice owners
     * add in the same two ways, so both engines give the same sums to the bit.
     */
    static double[] sumInOrder(java.util.List<PartitionResult> results, boolean floatGradients) {
        double[] sum = new double[results.get(0).length()];
        if (floatGradients) {
            float[] total = results.get(0).model().clone();
            for (int r = 1; r < results.size(); r++) {
                VectorMath.addTo(results.get(r).model(), 0, total, 0, total.length);
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] = total[i];
            }
            return sum;
        }
        for (PartitionResult r : results) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += r.gradient != null ? r.gradient[i] : r.model[i];
            }
        }
        return sum;
    }
}
