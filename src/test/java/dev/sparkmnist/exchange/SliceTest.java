package dev.sparkmnist.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** {@link Slice#sumInOrder} adds block by block, yet must give the bits of the plain element-by-element loop. */
class SliceTest {
    @Test
    void blockedSumEqualsThePlainLoopBitForBit() {
        SplittableRandom random = new SplittableRandom(3);
        int length = 5_000;   // more than two blocks, and not a multiple of one
        int offset = 17;
        Slice[] pieces = new Slice[7];
        double[] expected = new double[length];
        for (int k = 0; k < pieces.length; k++) {
            boolean floats = k % 3 != 2;
            float[] f = new float[offset + length];
            double[] d = new double[offset + length];
            for (int i = 0; i < f.length; i++) {
                // magnitudes far apart, so that the order of additions shows in the last bits; zeros of both signs
                double v = i % 97 == 0 ? -0.0 : random.nextDouble(-1, 1) * Math.pow(10, random.nextInt(-6, 7));
                f[i] = (float) v;
                d[i] = v;
            }
            pieces[k] = floats ? Slice.of(f, offset, length) : Slice.of(d, offset, length);
            for (int i = 0; i < length; i++) {
                expected[i] += floats ? f[offset + i] : d[offset + i];
            }
        }
        double[] sum = new double[length];
        java.util.Arrays.fill(sum, Double.NaN);   // whatever was there before is not part of the sum
        Slice.sumInOrder(pieces, sum);
        for (int i = 0; i < length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(sum[i]), "element " + i);
        }
    }
}
