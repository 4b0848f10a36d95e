package dev.sparkmnist.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.sparkmnist.exchange.Slice;
import dev.sparkmnist.nn.FloatKernel;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.SparseRows;

/**
 * A slice owner's sum ({@link Contribution#sumInOrder}) is the plain element-by-element sum in partition order, to
 * the bit (in double, or in float for float gradients), whether a partition's values come whole or as
 * {@link SparseRows} computed row by row at the owner (the kernel's own loop), within this JVM or decoded after the
 * trip between JVMs, and for a slice that starts and ends inside a W1 row.
 */
class ContributionTest {
    private static final LayerSizes SIZES = new LayerSizes(784, 40, 10);
    private static final float BACKGROUND = -0.4242f;

    @Test
    void denseDoublePartsAndFloatModelsAreAddedInDouble() {
        Contribution[] parts = denseParts(7, 3, true);
        assertSlicesEqualPlainSum(parts, false, plainSum(parts, false));
    }

    @Test
    void floatGradientsAreAddedInFloat() {
        Contribution[] parts = denseParts(7, 4, false);
        double[] inFloat = plainSum(parts, true);
        assertSlicesEqualPlainSum(parts, true, inFloat);
        // the two arithmetics differ (else this test would not show which one ran)
        assertNotEquals(Arrays.toString(plainSum(parts, false)), Arrays.toString(inFloat));
    }

    /** Parts whose magnitudes lie far apart, so that the order of additions shows; every third in double. */
    private static Contribution[] denseParts(int count, long seed, boolean withDoubles) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = SIZES.parameterCount();
        Contribution[] parts = new Contribution[count];
        for (int k = 0; k < parts.length; k++) {
            float[] f = new float[n];
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                // zeros of both signs
                d[i] = i % 97 == 0 ? -0.0 : random.nextDouble(-1, 1) * Math.pow(10, random.nextInt(-6, 7));
                f[i] = (float) d[i];
            }
            parts[k] = new Contribution.Dense(withDoubles && k % 3 == 2 ? Slice.of(d, 0, n) : Slice.of(f, 0, n), 0);
        }
        return parts;
    }

    @Test
    void sparseRowsEqualTheKernelsGradientAnywhere() {
        SplittableRandom random = new SplittableRandom(5);
        int n = SIZES.parameterCount();
        float[] params = new float[n];
        for (int i = 0; i < n; i++) {
            params[i] = (float) random.nextDouble(-0.1, 0.1);
        }
        Contribution[] parts = new Contribution[5];
        float[][] whole = new float[parts.length][];
        for (int k = 0; k < parts.length; k++) {
            int samples = 8 + 5 * k;
            FloatKernel full = batch(samples, 100 + k);
            whole[k] = new float[n];
            full.gradientInputMajor(params, samples, whole[k], 0.1f, BACKGROUND);
            FloatKernel deferring = batch(samples, 100 + k);
            float[] tail = new float[n];
            deferring.gradientInputMajorDeferringW1(params, samples, tail, 0.1f, BACKGROUND);
            SparseRows rows = deferring.deferredRows();
            assumeTrue(rows != null, "the sparse first layer needs the Vector API (jdk.incubator.vector)");
            int w1End = SIZES.b1Offset();
            Contribution.Rows local = new Contribution.Rows(rows, w1End,
                    new Contribution.Dense(Slice.of(tail, w1End, n - w1End), w1End));
            // between JVMs: every slice arrives as a fresh array from offset 0
            Slice[] sent = local.encode();
            Slice[] arrived = new Slice[sent.length];
            for (int s = 0; s < sent.length; s++) {
                Slice x = sent[s];
                arrived[s] = x.floats() != null
                        ? Slice.of(Arrays.copyOfRange(x.floats(), x.offset(), x.offset() + x.length()))
                        : Slice.of(Arrays.copyOfRange(x.ints(), x.offset(), x.offset() + x.length()));
            }
            parts[k] = k % 2 == 0 ? local : Contribution.Rows.decode(arrived, 0, SIZES.hidden(), w1End);
        }
        Contribution[] dense = new Contribution[parts.length];
        for (int k = 0; k < parts.length; k++) {
            dense[k] = new Contribution.Dense(Slice.of(whole[k], 0, n), 0);
        }
        assertSlicesEqualPlainSum(parts, true, plainSum(dense, true));
    }

    /** Sums {@code parts} over slices that cut rows anywhere, and checks each against {@code expected}. */
    private static void assertSlicesEqualPlainSum(Contribution[] parts, boolean floatSum, double[] expected) {
        int n = expected.length;
        int[] cuts = {0, 1013, 1040, 17_777, SIZES.b1Offset() - 3, SIZES.b1Offset() + 5, n};
        float[] row = new float[SIZES.hidden()];
        for (int c = 0; c + 1 < cuts.length; c++) {
            int length = cuts[c + 1] - cuts[c];
            double[] sum = new double[length];
            if (floatSum) {
                float[] floats = new float[n];
                Arrays.fill(floats, Float.NaN);   // whatever was there before is not part of the sum
                Contribution.sumFloatsInOrder(parts, floats, cuts[c], cuts[c + 1], SIZES.b1Offset(), SIZES.hidden(),
                        row);
                for (int i = 0; i < length; i++) {
                    sum[i] = floats[cuts[c] + i];
                }
                for (int i = 0; i < n; i++) {
                    if (i < cuts[c] || i >= cuts[c + 1]) {
                        assertEquals(Float.NaN, floats[i], "nothing written outside the slice");
                    }
                }
            } else {
                Arrays.fill(sum, Double.NaN);
                Contribution.sumInOrder(parts, sum, cuts[c], cuts[c + 1]);
            }
            for (int i = 0; i < sum.length; i++) {
                assertEquals(Double.doubleToRawLongBits(expected[cuts[c] + i]), Double.doubleToRawLongBits(sum[i]),
                        "element " + (cuts[c] + i));
            }
        }
    }

    /**
     * The sum over whole vectors in part order: {@code sum = 0; for each part: sum[i] += part[i]} (the driver's
     * double loop), or with {@code inFloat} a float total, from the first part on, widened at the end (its loop for
     * float gradients).
     */
    private static double[] plainSum(Contribution[] parts, boolean inFloat) {
        int n = SIZES.parameterCount();
        double[] sum = new double[n];
        float[] total = new float[n];
        for (int k = 0; k < parts.length; k++) {
            Slice s = ((Contribution.Dense) parts[k]).slice();
            for (int i = 0; i < n; i++) {
                if (inFloat) {
                    total[i] = k == 0 ? s.floats()[i] : total[i] + s.floats()[i];   // the first part as it is
                } else {
                    sum[i] += s.floats() != null ? s.floats()[i] : s.doubles()[i];
                }
            }
        }
        if (inFloat) {
            for (int i = 0; i < n; i++) {
                sum[i] = total[i];
            }
        }
        return sum;
    }

    /** A kernel holding {@code samples} digit-like samples: mostly the background, a fifth of the inputs inked. */
    private static FloatKernel batch(int samples, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        FloatKernel kernel = new FloatKernel(SIZES, samples);
        for (int j = 0; j < samples; j++) {
            for (int i = 0; i < SIZES.inputs(); i++) {
                kernel.x[j * SIZES.inputs() + i] = random.nextInt(5) == 0 ? (float) random.nextDouble(-0.4, 2.8)
                        : BACKGROUND;
            }
            kernel.y[j] = random.nextInt(SIZES.outputs());
        }
        assertNotNull(kernel);
        return kernel;
    }
}
