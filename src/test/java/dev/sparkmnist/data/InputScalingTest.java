package dev.sparkmnist.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.sparkmnist.idx.IdxHeader;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.nn.FloatKernel;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Workspace;
import dev.sparkmnist.train.BatchAssembler;

/**
 * Input scaling maps pixels as documented, the float and double batch paths agree on it, and STANDARD really
 * standardises MNIST's training set (checked on the real files when MNIST_DIR is set).
 */
class InputScalingTest {

    @Test
    void scalingsMapPixelsAsDocumented() {
        assertEquals(255.0, InputScaling.RAW.apply(255), 0);
        assertEquals(1.0, InputScaling.UNIT.apply(255), 1e-15);
        assertEquals(0.0, InputScaling.UNIT.apply(0), 0);
        assertEquals(-0.1307 / 0.3081, InputScaling.MNIST_STANDARD.apply(0), 1e-12);
        assertEquals((1 - 0.1307) / 0.3081, InputScaling.MNIST_STANDARD.apply(255), 1e-12);
        InputScaling learnt = InputScaling.standardised(72.9, 90.0);
        assertEquals(0, learnt.apply(0) * 90.0 + 72.9, 1e-12);
        assertEquals(72.9, learnt.pixelMean(), 1e-12);
        assertEquals(90.0, learnt.pixelStd(), 1e-12);
    }

    @Test
    void floatAndDoubleBatchesHoldTheSameInputs() {
        int d = 4;
        byte[] pixels = {0, 1, (byte) 128, (byte) 255, 7, 8, 9, 10};
        ImageBlock block = new ImageBlock(0, 2, d, pixels, new byte[] {3, 4});
        LayerSizes sizes = new LayerSizes(d, 3, 10);
        Workspace ws = new Workspace(sizes, 2);
        FloatKernel kernel = new FloatKernel(sizes, 2);
        int[] order = {1, 0};
        for (InputScaling s : java.util.List.of(InputScaling.RAW, InputScaling.UNIT, InputScaling.MNIST_STANDARD,
                InputScaling.standardised(72.9, 90.0))) {
            BatchAssembler.fill(block, order, 2, s, ws);
            BatchAssembler.fill(block, order, 2, s, kernel);
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < d; k++) {
                    double expected = s.apply(pixels[order[j] * d + k] & 0xff);
                    assertEquals(expected, ws.x[j * d + k], 1e-12, s + " double");
                    assertEquals(expected, kernel.x[j * d + k], 1e-5 * Math.max(1, Math.abs(expected)), s + " float");
                }
                assertEquals(block.label(order[j]), ws.y[j]);
                assertEquals(block.label(order[j]), kernel.y[j]);
            }
        }
    }

    @Test
    void standardScalingGivesMeanZeroAndVarianceOneOnRealMnist() {
        String dir = System.getenv("MNIST_DIR");
        if (dir == null || dir.isBlank()) {
            System.out.println("InputScalingTest skipped: MNIST_DIR is not set (point it at the real MNIST files)");
        }
        Assumptions.assumeTrue(dir != null && !dir.isBlank(), "MNIST_DIR is not set");
        IdxHeader h = IdxReader.readHeader(MnistFiles.train(dir).images(), IdxKind.IMAGES);
        byte[] all = IdxReader.readRecords(h, 0, (int) h.count());
        double sum = 0;
        double squares = 0;
        for (byte b : all) {
            double v = InputScaling.MNIST_STANDARD.apply(b & 0xff);
            sum += v;
            squares += v * v;
        }
        double mean = sum / all.length;
        double variance = squares / all.length - mean * mean;
        System.out.printf("STANDARD on MNIST training pixels: mean %.5f, variance %.5f%n", mean, variance);
        assertEquals(0, mean, 1e-3);
        assertEquals(1, variance, 2e-3);
    }
}
