package dev.sparkmnist.train;

import java.io.Serializable;

import dev.sparkmnist.nn.RowSums;
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
     * The results' values added in the order given (partition order): float gradients in float (W1's rows, which a
     * sparse batch leaves as {@link #w1Rows}, as {@link RowSums} adds them up; the rest part after part), the total
     * widened to double once; double gradients and local SGD's float models in double. The collective engine's
     * slice owners add in the same ways, so both engines give the same sums to the bit.
     */
    static double[] sumInOrder(java.util.List<PartitionResult> results, boolean floatGradients) {
        double[] sum = new double[results.get(0).length()];
        if (floatGradients) {
            float[] total = floatSum(results);
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

    /** The float gradients' sum (see {@link #sumInOrder}); W1 comes first, input-major. */
    private static float[] floatSum(java.util.List<PartitionResult> results) {
        SparseRows shape = results.stream().map(PartitionResult::w1Rows).filter(java.util.Objects::nonNull)
                .findFirst().orElse(null);
        float[] total = results.get(0).model().clone();
        if (shape == null) {
            // no sparse batch: every part dense, added in order (what RowSums does with dense parts only)
            for (int r = 1; r < results.size(); r++) {
                VectorMath.addTo(results.get(r).model(), 0, total, 0, total.length);
            }
            return total;
        }
        int hidden = shape.hidden();
        int w1End = hidden * shape.rows();
        RowSums rows = new RowSums(hidden);
        rows.begin(results.size());
        for (int r = 0; r < results.size(); r++) {
            PartitionResult p = results.get(r);
            if (p.w1Rows() != null) {
                rows.sparse(r, p.w1Rows());
            } else {
                rows.dense(r, p.model(), 0);
            }
        }
        rows.ready();
        for (int i = 0; i < shape.rows(); i++) {
            rows.row(i, total, i * hidden);
        }
        for (int r = 1; r < results.size(); r++) {
            VectorMath.addTo(results.get(r).model(), w1End, total, w1End, total.length - w1End);
        }
        return total;
    }
}
