package dev.sparkmnist.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The block scorer gives the double forward pass's probabilities to float rounding and the same predicted classes,
 * on sparse blocks (the sparse first layer) and dense ones (sgemm), for any number of classes; and an image scores
 * the same alone as in a block, to float rounding (bit for bit with the Java BLAS; native OpenBLAS rounds sgemm
 * differently for a single column).
 */
class BlockScorerTest {

    @ParameterizedTest(name = "{0}-{1}-{2}, {3} images, {4} of pixels set")
    @CsvSource({"784, 64, 10, 256, 0.19", "784, 37, 3, 100, 0.19", "100, 130, 10, 7, 0.95", "50, 16, 26, 1, 0.0",
            "784, 800, 10, 33, 1.0"})
    void matchesTheDoubleForwardPass(int inputs, int hidden, int classes, int n, double share) {
        LayerSizes sizes = new LayerSizes(inputs, hidden, classes);
        Network net = Network.initialise(sizes, hidden * 7L + classes);
        SplittableRandom r = new SplittableRandom(inputs + n);
        byte[] pixels = new byte[inputs * n];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (r.nextDouble() < share ? 1 + r.nextInt(255) : 0);
        }
        double factor = 1 / 78.6;
        double offset = -0.4242;
        Workspace ws = new Workspace(sizes, n);
        for (int i = 0; i < pixels.length; i++) {
            ws.x[i] = (pixels[i] & 0xff) * factor + offset;
        }
        ForwardPass.run(net, ws, n, false);

        BlockScorer scorer = new BlockScorer(BlockScorer.Weights.of(net), (float) offset, n + 3);
        for (int rep = 0; rep < 2; rep++) { // buffers are reused: a second block gives the same answer
            for (int j = 0; j < n; j++) {
                scorer.setPixels(j, pixels, j * inputs, factor, offset);
            }
            scorer.score(n);
            assertEquals(classes, scorer.classes());
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < classes; k++) {
                    assertEquals(ws.probabilities()[j * classes + k], scorer.probability(j, k), 2e-6,
                            "image " + j + " class " + k);
                    sum += scorer.probability(j, k);
                }
                assertEquals(1.0, sum, 1e-12);
                assertEquals(ForwardPass.argmax(ws, j), scorer.predicted(j), "image " + j);
                assertEquals(scorer.probability(j, 1), scorer.probabilities(j)[1], 0.0);
            }
        }
    }

    @Test
    void anImageScoresAloneAsInABlock() {
        LayerSizes sizes = new LayerSizes(784, 64, 10);
        BlockScorer.Weights w = BlockScorer.Weights.of(Network.initialise(sizes, 5));
        SplittableRandom r = new SplittableRandom(9);
        int n = 40;
        byte[] pixels = new byte[784 * n];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (r.nextDouble() < 0.2 ? r.nextInt(256) : 0);
        }
        BlockScorer block = new BlockScorer(w, -0.4f, n);
        BlockScorer alone = new BlockScorer(w, -0.4f, 1);
        for (int j = 0; j < n; j++) {
            block.setPixels(j, pixels, j * 784, 0.0125, -0.4);
        }
        block.score(n);
        for (int j = 0; j < n; j++) {
            alone.setPixels(0, pixels, j * 784, 0.0125, -0.4);
            alone.score(1);
            for (int k = 0; k < 10; k++) {
                assertEquals(block.probability(j, k), alone.probability(0, k), 1e-6, "image " + j);
            }
            assertEquals(block.predicted(j), alone.predicted(0));
        }
    }

    @Test
    void refusesBlocksItDoesNotHold() {
        BlockScorer scorer = new BlockScorer(BlockScorer.Weights.of(Network.initialise(new LayerSizes(4, 3, 2), 1)),
                0f, 2);
        assertThrows(IllegalArgumentException.class, () -> scorer.score(3));
        assertThrows(IllegalArgumentException.class, () -> scorer.score(0));
        assertThrows(IllegalArgumentException.class,
                () -> new BlockScorer.Weights(new LayerSizes(4, 3, 2), new float[5]));
    }
}
