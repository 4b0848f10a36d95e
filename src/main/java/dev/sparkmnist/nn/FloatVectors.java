package dev.sparkmnist.nn;

/**
 * Element-wise float array arithmetic, with the Vector API's SIMD loops where the JVM has it (Java 17's JIT does
 * not vectorise a plain loop over two arrays that might be one) and a plain loop elsewhere: the same result either
 * way, each element being one IEEE operation.
 */
public final class FloatVectors {
    private FloatVectors() {
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
}
