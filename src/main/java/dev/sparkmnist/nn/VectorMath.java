package dev.sparkmnist.nn;

/**
 * Array arithmetic for the training step's hot loops, in an order fixed on every machine: element-wise sums with
 * the Vector API's SIMD loops where the JVM has it and plain loops elsewhere (the same result either way, each
 * element being one IEEE operation), and sums of squares in independent chains.
 */
public final class VectorMath {
    private VectorMath() {
    }

    /** {@code dst[to .. to + len) += src[from .. from + len)}. */
    public static void addTo(float[] src, int from, float[] dst, int to, int len) {
        if (SparseInputProducts.AVAILABLE) {
            SparseInputProducts.Simd.addTo(src, from, dst, to, len);
            return;
        }
        for (int k = 0; k < len; k++) {
            dst[to + k] += src[from + k];
        }
    }

    /**
     * The sum of {@code a[i]^2} for i in {@code [from, to)}, each value widened to double before it is squared (the
     * square of a float is exact in double), in eight interleaved partial sums: element {@code from + 8m + j} into
     * sum j, the last {@code (to - from) % 8} elements into sum 0, then
     * {@code ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))}. A fixed order, the same on any machine, with eight
     * independent chains of additions where one chain waits for each addition's result before the next.
     */
    public static double sumOfSquares(float[] a, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            double a0 = a[i];
            double a1 = a[i + 1];
            double a2 = a[i + 2];
            double a3 = a[i + 3];
            double a4 = a[i + 4];
            double a5 = a[i + 5];
            double a6 = a[i + 6];
            double a7 = a[i + 7];
            s0 += a0 * a0;
            s1 += a1 * a1;
            s2 += a2 * a2;
            s3 += a3 * a3;
            s4 += a4 * a4;
            s5 += a5 * a5;
            s6 += a6 * a6;
            s7 += a7 * a7;
        }
        for (; i < to; i++) {
            double x = a[i];
            s0 += x * x;
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
