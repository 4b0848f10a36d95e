package dev.sparkmnist.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The double reorderings used by phases of float gradients are the float ones' permutation: the same positions
 * (checked against the float version on values exact in float), and each the other's inverse.
 */
class InputMajorLayoutTest {
    @Test
    void doubleReorderingsMatchTheFloatOnesAndInvertEachOther() {
        LayerSizes sizes = new LayerSizes(37, 45, 3); // not multiples of the tile
        int n = sizes.parameterCount();
        SplittableRandom r = new SplittableRandom(1);
        double[] column = new double[n];
        float[] columnF = new float[n];
        for (int i = 0; i < n; i++) {
            columnF[i] = (float) r.nextDouble(-1, 1);
            column[i] = columnF[i];
        }
        double[] inputMajor = new double[n];
        InputMajorLayout.toInputMajor(sizes, column, inputMajor);
        float[] inputMajorF = new float[n];
        InputMajorLayout.toInputMajor(sizes, columnF, 0, inputMajorF);
        for (int i = 0; i < n; i++) {
            assertEquals(inputMajorF[i], inputMajor[i], 0.0, "position " + i);
        }
        double[] back = new double[n];
        InputMajorLayout.fromInputMajor(sizes, inputMajor, back);
        assertArrayEquals(column, back, 0.0);
    }
}
