package dev.sparkmnist.train;

import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.VectorMath;

/**
 * The update of a synchronous float-gradient step, one slice of the parameters at a time, so that each task of the
 * collective engine updates only the slice it owns (ZeRO stage 1: the optimiser's state is sharded, every task
 * then gathers the new float weights) instead of every task repeating the whole O(n) update. The job-per-round
 * engine runs the same code over one slice, the whole vector, so both give the same weights and the same loss.
 *
 * <p>Weights, velocity and the summed gradient are float, as local SGD's working copy: the step is local SGD's
 * float arithmetic ({@link MomentumSgd#stepRange(LayerSizes, float[], float[], float[], float, int, int, double,
 * double, double, boolean)}, gradient scale 1), which the JIT runs on SIMD lanes, where a double update runs one
 * element at a time.
 * The vector is cut into {@link #CHUNK}-element chunks, and slices start at chunk boundaries ({@link #boundary}).
 * In one pass over each chunk, while it is in the cache, the step updates weights and velocity, adds up the chunk's
 * squared W1/W2 weights for the L2 term of the loss (in double: {@link VectorMath#sumOfSquares(float[], int, int)}),
 * and checks them for NaN/Inf. The L2 term is the chunks' sums added in chunk order: one fixed order whatever the
 * number of slices.
 */
public final class ShardedUpdate {
    /** Elements per chunk: the unit of ownership and of the L2 term's partial sums. */
    public static final int CHUNK = 2048;

    private ShardedUpdate() {
    }

    /** The number of chunks in a vector of {@code length} values. */
    public static int chunks(int length) {
        return (length + CHUNK - 1) / CHUNK;
    }

    /**
     * Where slice {@code t} of {@code slices} starts in a vector of {@code length} values: chunk-aligned,
     * {@code boundary(length, slices, slices) == length}, as even as whole chunks allow.
     */
    public static int boundary(int length, int t, int slices) {
        return (int) Math.min(length, (long) chunks(length) * t / slices * CHUNK);
    }

    /**
     * Steps parameters {@code [from, to)} (chunk-aligned) with their summed gradient, taken from {@code source} a
     * chunk at a time right before the chunk's update, and writes each chunk's sum of squared regularised weights
     * into {@code squares[chunk]}. Returns false when a parameter of the slice is not finite.
     */
    static boolean step(LayerSizes sizes, float[] params, float[] velocity, GradientSource source, int from,
                        int to, double lr, double lambda, double momentum, boolean nesterov, double[] squares) {
        double check = 0;
        for (int c = from; c < to; c += CHUNK) {
            int end = Math.min(to, c + CHUNK);
            MomentumSgd.stepRange(sizes, params, velocity, source.sum(c, end), 1f, c, end, lr, lambda, momentum,
                    nesterov);
            double s = 0;
            for (int b = 0; b < 4; b++) {
                int lo = Math.max(c, MomentumSgd.bound(sizes, b));
                int hi = Math.min(end, MomentumSgd.bound(sizes, b + 1));
                if (b % 2 == 0) {
                    s += VectorMath.sumOfSquares(params, lo, hi);
                } else {
                    for (int i = lo; i < hi; i++) {
                        check += params[i] * 0.0;   // NaN when a weight is NaN or infinite, else 0
                    }
                }
            }
            check += s * 0.0;   // NaN when a regularised weight is NaN or infinite
            squares[c / CHUNK] = s;
        }
        return !Double.isNaN(check);
    }

    /**
     * A slice's summed float gradient, made a chunk at a time where it is used: a slice owner adds its partitions'
     * contributions for one chunk while the chunk's weights are stepped, so the sum never goes through memory.
     */
    public interface GradientSource {
        /**
         * An array holding the summed gradient at positions {@code [from, to)}, at those very indices (as the
         * parameters), valid until the next call.
         */
        float[] sum(int from, int to);

        /**
         * The gradient {@code sum[0..)} of the slice starting at {@code start} in a vector of {@code length}
         * values, a chunk at a time: float values widened to double (the job-per-round engine's sum), so rounding
         * them back is exact.
         */
        static GradientSource of(double[] sum, int start, int length) {
            float[] values = new float[length];
            return (from, to) -> {
                for (int i = from; i < to; i++) {
                    values[i] = (float) sum[i - start];
                }
                return values;
            };
        }
    }

    /** The L2 term {@code lambda/2 * sum of squared W1/W2 weights}, from the chunks' sums added in chunk order. */
    static double l2Penalty(double[] squares, double lambda) {
        double s = 0;
        for (double v : squares) {
            s += v;
        }
        return lambda / 2 * s;
    }
}
