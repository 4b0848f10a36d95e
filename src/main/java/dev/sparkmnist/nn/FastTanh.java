package dev.sparkmnist.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The hidden layer's activation in single precision, {@code tanh(z + b)} over a column of sums, a vector of lanes
 * at a time where the Vector API is present (8 with AVX2, 16 with AVX-512): {@code Math.exp} is scalar, and
 * 65,536 of them per 512 x 128 batch were a fifth of a training step. tanh(z) = 1 - 2 / (e^{2z} + 1), with
 * e^t = 2^k e^r from a degree-7 Taylor polynomial on |r| <= ln2/2 (within 2e-7 of {@code Math.tanh}). Lane and
 * scalar versions perform the same IEEE operations in the same order, so every value is bit-identical whichever
 * computes it: with or without the Vector API, interpreted or compiled (unlike the Vector API's own TANH, whose
 * compiled and fallback results may differ).
 */
final class FastTanh {
    private static final float LIMIT = 87f;   // e^{+-87} is a normal float
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;   // 9 significant bits: k * LN2_HI is exact
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds to an integer, which then sits in the low bits of the float. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    private static final float C2 = 1f / 2;
    private static final float C3 = 1f / 6;
    private static final float C4 = 1f / 24;
    private static final float C5 = 1f / 120;
    private static final float C6 = 1f / 720;
    private static final float C7 = 1f / 5040;

    private FastTanh() {
    }

    /** tanh(z), as every lane of {@link #addBiasAndApply} computes it. */
    static float tanh(float z) {
        float t = Math.min(Math.max(2f * z, -LIMIT), LIMIT);
        float m = t * LOG2E + ROUNDER;
        float k = m - ROUNDER;
        float r = t - k * LN2_HI - k * LN2_LO;
        float p = ((((((C7 * r + C6) * r + C5) * r + C4) * r + C3) * r + C2) * r + 1f) * r + 1f;
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(m) - ROUNDER_BITS + 127) << 23);
        return 1f - 2f / (p * scale + 1f);
    }

    /**
     * {@code a[col + k] = tanh(a[col + k] + bias[from + k])} for k in 0..len, in each of {@code columns} columns
     * of {@code len} values from {@code at} (a batch's hidden layer: col = at, at + len, ...).
     */
    static void addBiasAndApply(float[] a, int at, int columns, float[] bias, int from, int len) {
        int k = SparseInputProducts.AVAILABLE ? Lanes.addBiasAndApply(a, at, columns, bias, from, len) : 0;
        for (int j = 0; j < columns; j++) {
            int col = at + j * len;
            for (int i = k; i < len; i++) {
                a[col + i] = tanh(a[col + i] + bias[from + i]);
            }
        }
    }

    /** The lane version, apart so that nothing above touches the Vector API's types. */
    private static final class Lanes {
        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

        static {
            // Every call site resolved once, before any thread's loop gets compiled (see SparseInputProducts.Simd:
            // without it, an 8-partition run now and then boxed every vector of this loop, 1.4-2.5 GB per run).
            float[] a = new float[SPECIES.length()];
            addBiasAndApply(a, 0, 1, new float[a.length], 0, a.length);
        }

        /**
         * Does whole vectors from the start of each of {@code columns} columns; returns how many values of each it
         * did. One call per batch, not per column.
         */
        static int addBiasAndApply(float[] a, int at, int columns, float[] bias, int from, int len) {
            int lanes = SPECIES.length();
            int whole = len - len % lanes;
            for (int j = 0; j < columns; j++) {
                addBiasAndApplyColumn(a, at + j * len, bias, from, whole);
            }
            return whole;
        }

        private static void addBiasAndApplyColumn(float[] a, int at, float[] bias, int from, int whole) {
            int lanes = SPECIES.length();
            for (int k = 0; k < whole; k += lanes) {
                FloatVector z = FloatVector.fromArray(SPECIES, a, at + k)
                        .add(FloatVector.fromArray(SPECIES, bias, from + k));
                FloatVector t = z.mul(2f).max(-LIMIT).min(LIMIT);
                FloatVector m = t.mul(LOG2E).add(ROUNDER);
                FloatVector kf = m.sub(ROUNDER);
                FloatVector r = t.sub(kf.mul(LN2_HI)).sub(kf.mul(LN2_LO));
                FloatVector p = r.mul(C7).add(C6).mul(r).add(C5).mul(r).add(C4).mul(r).add(C3).mul(r).add(C2)
                        .mul(r).add(1f).mul(r).add(1f);
                FloatVector scale = ((IntVector) m.reinterpretAsInts()).sub(ROUNDER_BITS - 127)
                        .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector e = p.mul(scale).add(1f);
                // (-(2/e)) + 1 is 1 - 2/e to the bit, one broadcast fewer
                FloatVector.broadcast(SPECIES, 2f).div(e).neg().add(1f).intoArray(a, at + k);
            }
        }
    }
}
