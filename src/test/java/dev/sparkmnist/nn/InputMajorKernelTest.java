package dev.sparkmnist.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The training tasks' kernel ({@link FloatKernel#gradientInputMajor}, W1 input-major) gives the column-major
 * kernel's gradient and loss on sparse batches (the sparse first layer) and on dense ones (sgemm), for hidden
 * sizes that do and do not fill whole SIMD vectors, and the layout converts both ways without loss.
 */
class InputMajorKernelTest {

    @ParameterizedTest(name = "hidden {0}, batch {1}, {2} of inputs set, background {3}")
    @CsvSource({"512, 64, 0.2, -0.4242", "37, 50, 0.2, 0", "130, 7, 0.1, 1.5", "64, 33, 0.9, -0.4242",
            "16, 1, 0, 0.25"})
    void inputMajorGradientMatchesTheColumnMajorGradient(int hidden, int n, double share, float background) {
        LayerSizes sizes = new LayerSizes(100, hidden, 10);
        FloatKernel reference = new FloatKernel(sizes, n);
        FloatKernel kernel = new FloatKernel(sizes, n);
        SplittableRandom r = new SplittableRandom(hidden * 31L + n);
        for (int i = 0; i < sizes.inputs() * n; i++) {
            float v = r.nextDouble() < share ? background + (float) r.nextDouble(-2, 2) : background;
            reference.x[i] = v;
            kernel.x[i] = v;
        }
        for (int j = 0; j < n; j++) {
            reference.y[j] = r.nextInt(10);
            kernel.y[j] = reference.y[j];
        }
        float[] params = new float[sizes.parameterCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) r.nextGaussian() * 0.1f;
        }
        float[] expected = new float[params.length];
        double expectedLoss = reference.gradient(params, n, expected, 0.1f);

        float[] paramsT = new float[params.length];
        InputMajorLayout.toInputMajor(sizes, params, 0, paramsT);
        float[] gotT = new float[params.length];
        java.util.Arrays.fill(gotT, 77);   // overwritten, not added to
        double loss = 0;
        for (int rep = 0; rep < 2; rep++) {   // buffers are reused: a second call gives the same answer
            loss = kernel.gradientInputMajor(paramsT, n, gotT, 0.1f, background);
        }
        float[] got = new float[params.length];
        InputMajorLayout.fromInputMajor(sizes, gotT, got, 0);
        assertEquals(expectedLoss, loss, 1e-5 * expectedLoss);
        double norm = 0;
        for (float v : expected) {
            norm = Math.max(norm, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1e-5 * norm, "parameter " + i);
        }
        if (SparseInputProducts.AVAILABLE) {
            assertEquals(share < 0.4, kernel.lastBatchWasSparse(), "sparse products used at a share of " + share);
        }
    }

    @Test
    void denseBatchesAndJvmsWithoutTheVectorApiUseSgemm() {
        assumeTrue(SparseInputProducts.AVAILABLE, "the Vector API is not in this JVM (--add-modules "
                + "jdk.incubator.vector): every batch is dense here, nothing to tell apart");
        LayerSizes sizes = new LayerSizes(20, 8, 3);
        FloatKernel kernel = new FloatKernel(sizes, 4);
        java.util.Arrays.fill(kernel.x, 1f);
        kernel.gradientInputMajor(new float[sizes.parameterCount()], 4, new float[sizes.parameterCount()], 0f, 0f);
        assertFalse(kernel.lastBatchWasSparse(), "all inputs set: sgemm");
        java.util.Arrays.fill(kernel.x, 0f);
        kernel.gradientInputMajor(new float[sizes.parameterCount()], 4, new float[sizes.parameterCount()], 0f, 0f);
        assertTrue(kernel.lastBatchWasSparse(), "all inputs blank: sparse");
    }

    @Test
    void layoutRoundTripsAndMovesOnlyW1() {
        LayerSizes sizes = new LayerSizes(5, 3, 2);
        int n = sizes.parameterCount();
        float[] shipped = new float[n + 4];
        for (int i = 0; i < shipped.length; i++) {
            shipped[i] = i;
        }
        float[] inputMajor = new float[n];
        InputMajorLayout.toInputMajor(sizes, shipped, 4, inputMajor);
        // W1[i][k] sits at 4 + i + k * 5 in the shipped copy and at i * 3 + k input-major.
        for (int i = 0; i < 5; i++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(4 + i + k * 5, inputMajor[i * 3 + k], 0f);
            }
        }
        for (int p = sizes.b1Offset(); p < n; p++) {
            assertEquals(4 + p, inputMajor[p], 0f);
        }
        float[] back = new float[n + 4];
        InputMajorLayout.fromInputMajor(sizes, inputMajor, back, 4);
        assertArrayEquals(java.util.Arrays.copyOfRange(shipped, 4, n + 4), java.util.Arrays.copyOfRange(back, 4, n + 4));
    }

    /**
     * Batches at one named weights version share the forward pass's background term, and a new version (or weights
     * under another array) recomputes it: each batch's gradient and rows equal a kernel's that never reuses it, to
     * the bit, also when the rows are written into an earlier batch's arrays.
     */
    @Test
    void aNamedWeightsVersionReusesTheBackgroundTermToTheBit() {
        assumeTrue(SparseInputProducts.AVAILABLE, "the sparse first layer needs the Vector API (jdk.incubator.vector)");
        LayerSizes sizes = new LayerSizes(100, 40, 10);
        int n = 9;
        float background = -0.4242f;
        SplittableRandom r = new SplittableRandom(17);
        float[] params = new float[sizes.parameterCount()];
        float[] other = new float[sizes.parameterCount()];
        FloatKernel versioned = new FloatKernel(sizes, n);
        FloatKernel plain = new FloatKernel(sizes, n);
        // version 5 twice (the second reuses), the weights changed under version 6, then another array at 6
        long[] versions = {5, 5, 6, 6, 6};
        SparseRows last = null;
        for (int call = 0; call < versions.length; call++) {
            if (call == 0 || call == 2) {
                for (int i = 0; i < params.length; i++) {
                    params[i] = (float) r.nextGaussian() * 0.1f;
                    other[i] = (float) r.nextGaussian() * 0.1f;
                }
            }
            float[] at = call == 4 ? other : params;
            for (int i = 0; i < sizes.inputs() * n; i++) {
                float v = r.nextInt(5) == 0 ? background + (float) r.nextDouble(-2, 2) : background;
                versioned.x[i] = v;
                plain.x[i] = v;
            }
            for (int j = 0; j < n; j++) {
                versioned.y[j] = r.nextInt(10);
                plain.y[j] = versioned.y[j];
            }
            float[] expected = new float[params.length];
            float[] got = new float[params.length];
            double expectedLoss = plain.gradientInputMajorDeferringW1(at, n, expected, 0.1f, background);
            // the rows go into the previous call's arrays (as a task reuses a partition's last result)
            double loss = versioned.gradientInputMajorDeferringW1(at, n, got, 0.1f, background, versions[call],
                    last);
            assertEquals(expectedLoss, loss, 0.0, "call " + call);
            assertArrayEquals(expected, got, "call " + call);
            SparseRows want = plain.deferredRows();
            SparseRows rows = versioned.deferredRows();
            if (last != null) {
                assertTrue(rows.delta() == last.delta() && rows.sample() == last.sample(), "arrays reused");
            }
            last = rows;
            float[] a = new float[sizes.hidden()];
            float[] b = new float[sizes.hidden()];
            for (int i = 0; i < want.rows(); i++) {
                want.row(i, a, 0);
                rows.row(i, b, 0);
                assertArrayEquals(a, b, "call " + call + ", row " + i);
            }
        }
    }
}
