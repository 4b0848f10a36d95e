package dev.sparkmnist.train;

import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.VectorMath;

/**
 * The update of a synchronous float-gradient step, one slice of the parameters at a time, so that each task of the
 * collective engine updates only the slice it owns (ZeRO stage 1: the optimiser's state is sharded, every task
 * then gathers the new float weights) instead of every task repeating the whole O(n) update. The job-per-round
 * engine runs the same code over one slice, the whole vector, so both give the same weights and the same loss.
 *
 * <p>The vector is cut into {@link #CHUNK}-element chunks, and slices start at chunk boundaries
 * ({@link #boundary}). In one pass over each chunk, while it is in the cache, the step updates weights and
 * velocity ({@link MomentumSgd#stepRange}, the arithmetic of the replicated update), rounds the weights to the
 * float copy the kernel reads next, adds up the chunk's squared W1/W2 weights for the L2 term of the loss
 * ({@link #roundAndSquare}), and checks them for NaN/Inf. The L2 term is the chunks' sums added in chunk order: one
 * fixed order whatever the number of slices.
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
     * chunk at a time right before the chunk's update; writes their float copy into {@code floats}, and each chunk's
     * sum of squared regularised weights into {@code squares[chunk]}. Returns false when a parameter of the slice is
     * not finite.
     */
    static boolean step(LayerSizes sizes, double[] params, double[] velocity, GradientSource source, int from,
                        int to, double lr, double lambda, double momentum, boolean nesterov, float[] floats,
                        double[] squares) {
        double check = 0;
        for (int c = from; c < to; c += CHUNK) {
            int end = Math.min(to, c + CHUNK);
            MomentumSgd.stepRange(sizes, params, velocity, source.sum(c, end), c, c, end, lr, lambda, momentum,
                    nesterov);
            double s = 0;
            for (int b = 0; b < 4; b++) {
                int lo = Math.max(c, MomentumSgd.bound(sizes, b));
                int hi = Math.min(end, MomentumSgd.bound(sizes, b + 1));
                if (b % 2 == 0) {
                    s += roundAndSquare(params, floats, lo, hi);
                } else {
                    for (int i = lo; i < hi; i++) {
                        floats[i] = (float) params[i];
                        check += params[i] * 0.0;   // NaN when a weight is NaN or infinite, else 0
                    }
                }
            }
            check += s * 0.0;   // NaN when a regularised weight is NaN or infinite (or squares past Double.MAX_VALUE)
            squares[c / CHUNK] = s;
        }
        return !Double.isNaN(check);
    }

    /**
     * Writes {@code floats[i] = (float) params[i]} for i in {@code [lo, hi)} and returns the sum of the squares
     * ({@link VectorMath#sumOfSquares}: a fixed order, since {@code lo} depends only on the layer sizes and
     * {@link #CHUNK}).
     */
    private static double roundAndSquare(double[] params, float[] floats, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            floats[i] = (float) params[i];
        }
        return VectorMath.sumOfSquares(params, lo, hi);
    }

    /**
     * A slice's summed gradient, made a chunk at a time where it is used: a slice owner adds its partitions'
     * contributions for one chunk while the chunk's weights are stepped, so the sum never goes through memory.
     */
    public interface GradientSource {
        /** The summed gradient at positions {@code [from, to)}, from index 0 of an array valid until the next call. */
        double[] sum(int from, int to);

        /** The gradient {@code sum[0..)} of the slice starting at {@code start}, a chunk at a time. */
        static GradientSource of(double[] sum, int start) {
            double[] chunk = new double[CHUNK];
            return (from, to) -> {
                System.arraycopy(sum, from - start, chunk, 0, to - from);
                return chunk;
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
