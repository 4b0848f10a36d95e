package dev.sparkmnist.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.testing.SyntheticDigits;
import dev.sparkmnist.train.RoundStats;
import dev.sparkmnist.train.TrainingState;

/** Sampled test accuracy is measured every K iterations on the first records, and once at the end. */
class SampledTestAccuracyTest {
    @TempDir
    Path tmp;

    @Test
    void measuresEveryKIterationsAndAtTheEnd() {
        Path data = SyntheticDigits.writeMnistLike(tmp, 20, 300, true, 2);
        MnistFiles.Split test = MnistFiles.test(data.toString());
        SampledTestAccuracy probe = SampledTestAccuracy.firstRecords(test, 120, InputScaling.UNIT, 10);
        assertEquals(120, probe.sampleSize());
        Network a = Network.initialise(new LayerSizes(784, 6, 10), 1);
        Network b = Network.initialise(new LayerSizes(784, 6, 10), 2);
        // Rounds of 4 iterations: steps 4, 8, 12, 16, 20, 24; phase 2 starts after 16.
        long[] steps = {4, 8, 12, 16, 20, 24};
        for (long s : steps) {
            int phase = s <= 16 ? 0 : 1;
            TrainingState st = new TrainingState(phase, phase == 0 ? s : s - 16, s, s <= 12 ? a : b, new double[0]);
            probe.afterRound(st, new RoundStats(phase, 4, 1.0, 64, 0.1, s));
        }
        probe.finished(new TrainingState(2, 0, 24, b, new double[0]));
        List<SampledTestAccuracy.AccuracyPoint> h = probe.history();
        assertEquals(List.of(12L, 20L, 24L), h.stream().map(SampledTestAccuracy.AccuracyPoint::iteration).toList());
        assertEquals(List.of(0, 1, 1), h.stream().map(SampledTestAccuracy.AccuracyPoint::phase).toList());

        byte[] labels = IdxReader.readRecords(IdxReader.readHeader(test.labels(), IdxKind.LABELS), 0, 120);
        ImageBlock first = new ImageBlock(0, 120, 784,
                IdxReader.readRecords(IdxReader.readHeader(test.images(), IdxKind.IMAGES), 0, 120), labels);
        assertEquals(Evaluator.confusion(first, a, InputScaling.UNIT).accuracy(), h.get(0).accuracy(), 1e-15);
        assertEquals(Evaluator.confusion(first, b, InputScaling.UNIT).accuracy(), h.get(1).accuracy(), 1e-15);
    }
}
