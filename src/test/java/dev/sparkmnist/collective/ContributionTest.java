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
import dev.sparkmnist.nn.RowSums;
import dev.sparkmnist.nn.SparseRows;

/**
 * A slice owner's sum ({@link Contribution#sumInOrder}, {@link Contribution#sumFloatsInOrder}) is the plain
 * element-by-element sum in partition order, to the bit (in double, or in float for float gradients), and a float
 * gradient's W1 rows that come as {@link SparseRows} add up as {@link RowSums} defines, within this JVM or decoded
 * after the trip between JVMs, for a slice that starts and ends inside a W1 row.
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

    /**
     * Sparse batches' rows (and a dense batch's gradient among them) add up as {@link dev.sparkmnist.nn.RowSums}
     * defines, written out here element by element: the sparse parts' row starts in order, then each part's entries
     * as fused multiply-adds (a dense part's row as one addition); the same gradient as the plain sum of the
     * kernel's own rows up to float rounding, and the same bits within one JVM and after the trip between JVMs.
     */
    @Test
    void sparseRowsAddUpAsRowSumsDefinesAnywhere() {
        SplittableRandom random = new SplittableRandom(5);
        int n = SIZES.parameterCount();
        int h = SIZES.hidden();
        int w1End = SIZES.b1Offset();
        float[] params = new float[n];
        for (int i = 0; i < n; i++) {
            params[i] = (float) random.nextDouble(-0.1, 0.1);
        }
        Contribution[] parts = new Contribution[5];
        float[][] whole = new float[parts.length][];
        SparseRows[] sparse = new SparseRows[parts.length];
        float[][] tails = new float[parts.length][];
        for (int k = 0; k < parts.length; k++) {
            int samples = 8 + 5 * k;
            FloatKernel full = batch(samples, 100 + k);
            whole[k] = new float[n];
            full.gradientInputMajor(params, samples, whole[k], 0.1f, BACKGROUND);
            if (k == 2) {
                parts[k] = new Contribution.Dense(Slice.of(whole[k], 0, n), 0);   // a dense batch among them
                continue;
            }
            FloatKernel deferring = batch(samples, 100 + k);
            float[] tail = new float[n];
            deferring.gradientInputMajorDeferringW1(params, samples, tail, 0.1f, BACKGROUND);
            SparseRows rows = deferring.deferredRows();
            assumeTrue(rows != null, "the sparse first layer needs the Vector API (jdk.incubator.vector)");
            sparse[k] = rows;
            tails[k] = tail;
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
            parts[k] = k % 2 == 0 ? local : Contribution.Rows.decode(arrived, 0, h, w1End);
        }
        // the arithmetic written out
        double[] expected = new double[n];
        float[] start = sparse[0].rowStart().clone();
        for (int k = 1; k < parts.length; k++) {
            if (sparse[k] != null) {
                for (int j = 0; j < h; j++) {
                    start[j] += sparse[k].rowStart()[j];
                }
            }
        }
        for (int i = 0; i < SIZES.inputs(); i++) {
            for (int j = 0; j < h; j++) {
                float a = start[j];
                for (int k = 0; k < parts.length; k++) {
                    SparseRows r = sparse[k];
                    if (r == null) {
                        a += whole[k][i * h + j];
                        continue;
                    }
                    for (int e = r.columnStart()[i]; e < r.columnStart()[i + 1]; e++) {
                        a = Math.fma(r.delta()[r.sample()[e] * h + j], r.sampleValue()[e], a);
                    }
                }
                expected[i * h + j] = a;
            }
        }
        for (int i = w1End; i < n; i++) {
            float a = tails[0][i];
            for (int k = 1; k < parts.length; k++) {
                a += k == 2 ? whole[k][i] : tails[k][i];
            }
            expected[i] = a;
        }
        assertSlicesEqualPlainSum(parts, true, expected);
        // the same gradient as the kernel's rows added one by one, up to float rounding (and not the same bits)
        Contribution[] dense = new Contribution[parts.length];
        for (int k = 0; k < parts.length; k++) {
            dense[k] = new Contribution.Dense(Slice.of(whole[k], 0, n), 0);
        }
        double[] plain = plainSum(dense, true);
        double scale = Arrays.stream(plain).map(Math::abs).max().orElse(1);
        for (int i = 0; i < n; i++) {
            assertEquals(plain[i], expected[i], 1e-5 * scale, "element " + i);
        }
        assertNotEquals(Arrays.toString(plain), Arrays.toString(expected));
    }

    /** Sums {@code parts} over slices that cut rows anywhere, and checks each against {@code expected}. */
    private static void assertSlicesEqualPlainSum(Contribution[] parts, boolean floatSum, double[] expected) {
        int n = expected.length;
        int[] cuts = {0, 1013, 1040, 17_777, SIZES.b1Offset() - 3, SIZES.b1Offset() + 5, n};
        float[] row = new float[SIZES.hidden()];
        RowSums rows = new RowSums(SIZES.hidden());
        if (floatSum) {
            rows.begin(parts.length);
            for (int p = 0; p < parts.length; p++) {
                parts[p].addTo(rows, p);
            }
            rows.ready();
        }
        for (int c = 0; c + 1 < cuts.length; c++) {
            int length = cuts[c + 1] - cuts[c];
            double[] sum = new double[length];
            if (floatSum) {
                float[] floats = new float[n];
                Arrays.fill(floats, Float.NaN);   // whatever was there before is not part of the sum
                Contribution.sumFloatsInOrder(parts, floats, cuts[c], cuts[c + 1], SIZES.b1Offset(), SIZES.hidden(),
                        rows, row);
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
