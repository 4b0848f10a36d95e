package dev.sparkmnist.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/** The mistakes the report shows are real mistakes, with the model's probabilities and the right pixels. */
class EvaluatorMistakesTest {
    @TempDir
    Path tmp;

    private static ImageBlock block(int n, long first) {
        byte[] labels = SyntheticDigits.labels(n, 9);
        return new ImageBlock(first, n, 784, SyntheticDigits.images(labels, 28, 9), labels);
    }

    @Test
    void mistakesAreTheFirstWrongRecordsWithTheirProbabilities() {
        Network untrained = Network.initialise(new LayerSizes(784, 12, 10), 4);
        ImageBlock block = block(700, 1000);
        Evaluator.Evaluation e = Evaluator.evaluate(block, untrained, InputScaling.UNIT, 30);
        assertArrayEquals(Evaluator.confusion(block, untrained, InputScaling.UNIT).counts(),
                e.confusion().counts(), "same counts as the plain confusion matrix");
        int[] predicted = Evaluator.predict(block, untrained, InputScaling.UNIT);
        int[] wrong = java.util.stream.IntStream.range(0, 700).filter(j -> predicted[j] != block.label(j))
                .limit(30).toArray();
        assertEquals(30, wrong.length, "an untrained network should be wrong often");
        assertEquals(30, e.mistakes().size());
        for (int i = 0; i < 30; i++) {
            Evaluator.Mistake m = e.mistakes().get(i);
            int j = wrong[i];
            assertEquals(1000 + j, m.record());
            assertEquals(block.label(j), m.truth());
            assertEquals(predicted[j], m.predicted());
            assertNotEquals(m.truth(), m.predicted());
            assertTrue(m.confidence() >= 0.1 - 1e-12 && m.confidence() <= 1, "argmax of 10 has p >= 0.1");
            assertTrue(m.truthProbability() <= m.confidence());
            assertArrayEquals(Arrays.copyOfRange(block.pixels(), j * 784, (j + 1) * 784), m.pixels());
        }
    }

    @Test
    void sparkEvaluationKeepsTheFirstMistakesOfTheWholeFile() {
        Path data = SyntheticDigits.writeMnistLike(tmp, 60, 600, false, 13);
        IdxRddLoader.LoadedSet set = IdxRddLoader.load(SharedSpark.get(), MnistFiles.test(data.toString()), 3);
        Network untrained = Network.initialise(new LayerSizes(784, 10, 10), 8);
        Evaluator.Evaluation e = Evaluator.evaluate(SharedSpark.get(), set.blocks(), untrained, InputScaling.UNIT, 25);
        set.blocks().unpersist(false);
        ImageBlock all = new ImageBlock(0, 600, 784, dev.sparkmnist.idx.IdxReader.readRecords(
                set.images(), 0, 600), set.labels());
        Evaluator.Evaluation local = Evaluator.evaluate(all, untrained, InputScaling.UNIT, 25);
        assertArrayEquals(local.confusion().counts(), e.confusion().counts());
        List<Long> sparkRecords = e.mistakes().stream().map(Evaluator.Mistake::record).toList();
        assertEquals(local.mistakes().stream().map(Evaluator.Mistake::record).toList(), sparkRecords);
        assertEquals(25, sparkRecords.size());
    }
}
