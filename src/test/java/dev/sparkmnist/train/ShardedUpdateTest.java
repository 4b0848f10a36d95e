package dev.sparkmnist.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.sparkmnist.nn.LayerSizes;

/**
 * A step updated slice by slice, as each task of the collective engine updates the slice it owns (its summed
 * gradient as an array or made chunk by chunk), gives exactly the weights and velocity of local SGD's whole float
 * update ({@link MomentumSgd#step(LayerSizes, float[], float[], float[], float, double, double, double, boolean)}),
 * and an L2 term that does not depend on how many slices there were.
 */
class ShardedUpdateTest {
    private static final LayerSizes SIZES = new LayerSizes(784, 24, 10);   // 19,090 values: 10 chunks

    @ParameterizedTest
    @CsvSource({"0.9, false", "0.9, true", "0, false"})
    void anySlicingEqualsTheWholeUpdate(double momentum, boolean nesterov) {
        int n = SIZES.parameterCount();
        SplittableRandom random = new SplittableRandom(11);
        float[] params = floats(random, n, 0.5);
        float[] velocity = floats(random, n, 0.01);
        float[] grad = floats(random, n, 1);
        float[] expectedParams = params.clone();
        float[] expectedVelocity = velocity.clone();
        MomentumSgd.step(SIZES, expectedParams, expectedVelocity, grad, 1f, 0.05, 1e-4, momentum, nesterov);
        double[] widened = new double[n];
        for (int i = 0; i < n; i++) {
            widened[i] = grad[i];
        }

        double[] reference = null;
        for (int slices : new int[] {1, 3, 7, 16}) {
            float[] p = params.clone();
            float[] v = velocity.clone();
            double[] squares = new double[ShardedUpdate.chunks(n)];
            for (int t = 0; t < slices; t++) {
                int from = ShardedUpdate.boundary(n, t, slices);
                int to = ShardedUpdate.boundary(n, t + 1, slices);
                assertEquals(0, from % ShardedUpdate.CHUNK, "slices start at chunk boundaries");
                ShardedUpdate.GradientSource source = t % 2 == 0
                        // the sum as an array of widened floats, as the job engine has it
                        ? ShardedUpdate.GradientSource.of(java.util.Arrays.copyOfRange(widened, from, to), from, n)
                        // or made a chunk at a time, as a slice owner of the collective engine makes it
                        : (a, b) -> chunkOf(grad, a, b);
                assertTrue(ShardedUpdate.step(SIZES, p, v, source, from, to, 0.05, 1e-4, momentum, nesterov,
                        squares));
            }
            assertEquals(n, ShardedUpdate.boundary(n, slices, slices));
            assertArrayEquals(expectedParams, p, slices + " slices: weights");
            assertArrayEquals(expectedVelocity, v, slices + " slices: velocity");
            double l2 = ShardedUpdate.l2Penalty(squares, 1e-4);
            if (reference == null) {
                reference = new double[] {l2};
                double direct = 0;
                for (int i = SIZES.w1Offset(); i < SIZES.b1Offset(); i++) {
                    direct += (double) p[i] * p[i];
                }
                for (int i = SIZES.w2Offset(); i < SIZES.b2Offset(); i++) {
                    direct += (double) p[i] * p[i];
                }
                assertEquals(1e-4 / 2 * direct, l2, 1e-12 * Math.abs(l2), "the L2 term, up to the order of sums");
            } else {
                assertEquals(Double.doubleToRawLongBits(reference[0]), Double.doubleToRawLongBits(l2),
                        slices + " slices: the L2 term to the bit");
            }
        }
    }

    /** An array that holds {@code grad}'s values at {@code [from, to)} only (NaN elsewhere). */
    private static float[] chunkOf(float[] grad, int from, int to) {
        float[] out = new float[grad.length];
        java.util.Arrays.fill(out, Float.NaN);
        System.arraycopy(grad, from, out, from, to - from);
        return out;
    }

    private static float[] floats(SplittableRandom random, int n, double bound) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextDouble(-bound, bound);
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"NaN", "Infinity"})
    void aNonFiniteWeightInTheSliceIsReported(float bad) {
        int n = SIZES.parameterCount();
        float[] params = new float[n];
        params[SIZES.b1Offset() + 3] = bad;   // a bias: outside the L2 term, still caught
        double[] squares = new double[ShardedUpdate.chunks(n)];
        assertFalse(ShardedUpdate.step(SIZES, params, new float[n], ShardedUpdate.GradientSource.of(new double[n], 0, n),
                0, n, 0.1, 1e-4, 0.9, false, squares));
        float[] w1 = new float[n];
        w1[5] = bad;   // a regularised weight
        assertFalse(ShardedUpdate.step(SIZES, w1, new float[n], ShardedUpdate.GradientSource.of(new double[n], 0, n),
                0, n, 0.1, 1e-4, 0.9, false, squares));
        assertTrue(ShardedUpdate.step(SIZES, new float[n], new float[n],
                ShardedUpdate.GradientSource.of(new double[n], 0, n), 0, n, 0.1, 1e-4, 0.9, false, squares));
    }
}
