package dev.sparkmnist.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.testing.DirectPixelStatistics;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * The training pixels' mean and standard deviation, learnt on the executors from exact integer sums, equal a
 * direct two-pass computation on a set whose statistics are far from MNIST's, are the same bits whatever the
 * partitioning, and the standardisation built from them gives inputs of mean 0 and variance 1.
 */
class PixelStatisticsTest {
    @TempDir
    Path tmp;

    @Test
    void learntStatisticsAreExactAndIndependentOfPartitioning() throws Exception {
        Path dir = SyntheticDigits.invertImages(
                SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("inv")), 997, 10, false, 5));
        MnistFiles.Split train = MnistFiles.train(dir.toString());
        DirectPixelStatistics direct = DirectPixelStatistics.ofTrainingSet(dir);
        byte[] all = direct.pixels();
        double mean = direct.mean();
        double std = direct.std();
        System.out.printf("generated inverted set: pixel mean %.4f, std %.4f%n", mean, std);

        PixelStatistics reference = null;
        for (int partitions : new int[] {1, 3, 7}) {
            IdxRddLoader.LoadedSet set = IdxRddLoader.load(SharedSpark.get(), train, partitions);
            PixelStatistics s = PixelStatistics.of(set.blocks());
            set.blocks().unpersist(false);
            assertEquals(mean, s.mean(), 1e-9, "mean, " + partitions + " partitions");
            assertEquals(std, s.std(), 1e-9, "std, " + partitions + " partitions");
            if (reference == null) {
                reference = s;
            }
            assertEquals(reference, s, "exact sums must not depend on the partitioning");
            assertEquals(Double.doubleToLongBits(reference.std()), Double.doubleToLongBits(s.std()));
        }

        InputScaling standard = reference.standardisation();
        double inSum = 0;
        for (byte b : all) {
            inSum += standard.apply(b & 0xff);
        }
        double inMean = inSum / all.length;
        double inSquares = 0;
        for (byte b : all) {
            double d = standard.apply(b & 0xff) - inMean;
            inSquares += d * d;
        }
        assertEquals(0, inMean, 1e-9, "standardised inputs have mean 0");
        assertEquals(1, inSquares / all.length, 1e-9, "standardised inputs have variance 1");
        // MNIST's constants would leave this set far from standard: the reason to learn them.
        assertEquals(true, Math.abs(InputScaling.MNIST_STANDARD.apply((int) Math.round(mean))) > 1.5);
    }
}
