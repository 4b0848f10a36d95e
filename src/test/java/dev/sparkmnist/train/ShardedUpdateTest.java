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
 * gradient as an array or made chunk by chunk), gives exactly
 * the weights and velocity of the whole update ({@link MomentumSgd#step}), the float copy of those weights, and an
 * L2 term that does not depend on how many slices there were.
 */
class ShardedUpdateTest {
    private static final LayerSizes SIZES = new LayerSizes(784, 24, 10);   // 19,090 values: 10 chunks

    @ParameterizedTest
    @CsvSource({"0.9, false", "0.9, true", "0, false"})
    void anySlicingEqualsTheWholeUpdate(double momentum, boolean nesterov) {
        int n = SIZES.parameterCount();
        SplittableRandom random = new SplittableRandom(11);
        double[] params = random.doubles(n, -0.5, 0.5).toArray();
        double[] velocity = random.doubles(n, -0.01, 0.01).toArray();
        double[] grad = random.doubles(n, -1, 1).toArray();
        double[] expectedParams = params.clone();
        double[] expectedVelocity = velocity.clone();
        MomentumSgd.step(SIZES, expectedParams, expectedVelocity, grad, 0.05, 1e-4, momentum, nesterov);

        double[] reference = null;
        for (int slices : new int[] {1, 3, 7, 16}) {
            double[] p = params.clone();
            double[] v = velocity.clone();
            float[] floats = new float[n];
            double[] squares = new double[ShardedUpdate.chunks(n)];
            for (int t = 0; t < slices; t++) {
                int from = ShardedUpdate.boundary(n, t, slices);
                int to = ShardedUpdate.boundary(n, t + 1, slices);
                assertEquals(0, from % ShardedUpdate.CHUNK, "slices start at chunk boundaries");
                ShardedUpdate.GradientSource source = t % 2 == 0
                        // the sum as an array, as the job engine has it
                        ? ShardedUpdate.GradientSource.of(java.util.Arrays.copyOfRange(grad, from, to), from)
                        // or made a chunk at a time, as a slice owner of the collective engine makes it
                        : (a, b) -> java.util.Arrays.copyOfRange(grad, a, b);
                assertTrue(ShardedUpdate.step(SIZES, p, v, source, from, to, 0.05, 1e-4, momentum, nesterov,
                        floats, squares));
            }
            assertEquals(n, ShardedUpdate.boundary(n, slices, slices));
            assertArrayEquals(expectedParams, p, slices + " slices: weights");
            assertArrayEquals(expectedVelocity, v, slices + " slices: velocity");
            for (int i = 0; i < n; i++) {
                assertEquals((float) p[i], floats[i], "float copy at " + i);
            }
            double l2 = ShardedUpdate.l2Penalty(squares, 1e-4);
            if (reference == null) {
                reference = new double[] {l2};
                double direct = 0;
                for (int i = SIZES.w1Offset(); i < SIZES.b1Offset(); i++) {
                    direct += p[i] * p[i];
                }
                for (int i = SIZES.w2Offset(); i < SIZES.b2Offset(); i++) {
                    direct += p[i] * p[i];
                }
                assertEquals(1e-4 / 2 * direct, l2, 1e-12 * Math.abs(l2), "the L2 term, up to the order of sums");
            } else {
                assertEquals(Double.doubleToRawLongBits(reference[0]), Double.doubleToRawLongBits(l2),
                        slices + " slices: the L2 term to the bit");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"NaN", "Infinity"})
    void aNonFiniteWeightInTheSliceIsReported(double bad) {
        int n = SIZES.parameterCount();
        double[] params = new double[n];
        params[SIZES.b1Offset() + 3] = bad;   // a bias: outside the L2 term, still caught
        double[] squares = new double[ShardedUpdate.chunks(n)];
        assertFalse(ShardedUpdate.step(SIZES, params, new double[n], ShardedUpdate.GradientSource.of(new double[n], 0),
                0, n, 0.1, 1e-4, 0.9, false, new float[n], squares));
        assertTrue(ShardedUpdate.step(SIZES, new double[n], new double[n],
                ShardedUpdate.GradientSource.of(new double[n], 0), 0, n, 0.1, 1e-4, 0.9, false, new float[n], squares));
    }
}
