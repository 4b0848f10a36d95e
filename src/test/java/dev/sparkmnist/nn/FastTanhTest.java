package dev.sparkmnist.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The kernel's tanh is within 2e-7 of {@code Math.tanh} everywhere, saturates to exactly -1 and 1, and its lane
 * version (where the Vector API is present) gives the scalar version's bits at every position, tail included.
 */
class FastTanhTest {

    @Test
    void closeToMathTanhAndSaturatesExactly() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float z = (float) (r.nextDouble(-12, 12) * (i % 3 == 0 ? 0.01 : 1));
            assertEquals(Math.tanh(z), FastTanh.tanh(z), 2e-7, "tanh(" + z + ")");
        }
        for (float z : new float[] {20f, 44f, 1e10f, Float.MAX_VALUE, Float.POSITIVE_INFINITY}) {
            assertEquals(1f, FastTanh.tanh(z), 0f, "tanh(" + z + ")");
            assertEquals(-1f, FastTanh.tanh(-z), 0f, "tanh(" + -z + ")");
        }
        assertEquals(0f, FastTanh.tanh(0f), 0f);
    }

    @Test
    void lanesGiveTheScalarBits() {
        lanesGiveTheScalarBits(1);
    }

    @Test
    void lanesGiveTheScalarBitsColumnByColumn() {
        lanesGiveTheScalarBits(3);
    }

    private static void lanesGiveTheScalarBits(int columns) {
        SplittableRandom r = new SplittableRandom(8);
        int len = 533;   // whole vectors and a tail
        float[] bias = new float[len + 3];
        float[] a = new float[columns * len + 5];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextGaussian() * 5);
        }
        float[] expected = a.clone();
        for (int j = 0; j < columns; j++) {
            for (int k = 0; k < len; k++) {
                expected[2 + j * len + k] = FastTanh.tanh(a[2 + j * len + k] + bias[3 + k]);
            }
        }
        for (int rep = 0; rep < 20_000; rep++) {   // long enough for the JIT to compile the lane loop
            float[] got = a.clone();
            FastTanh.addBiasAndApply(got, 2, columns, bias, 3, len);
            if (rep % 5_000 == 0 || rep == 19_999) {
                for (int i = 0; i < a.length; i++) {
                    assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]),
                            "position " + i + " at repetition " + rep);
                }
            }
        }
    }
}
