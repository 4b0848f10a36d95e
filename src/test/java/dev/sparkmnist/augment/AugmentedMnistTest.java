package dev.sparkmnist.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.cli.Main;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxHeader;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.testing.SyntheticDigits;

class AugmentedMnistTest {
    private static final int SOURCE = 50;

    @TempDir
    Path tmp;

    @Test
    void generateWritesValidIdxStartingWithTheOriginalsAndIsDeterministic() throws IOException {
        Path source = SyntheticDigits.writeMnistLike(tmp.resolve("src"), SOURCE, 20, true, 7);
        assertEquals(ExitCodes.OK, Main.run("generate", "--data-dir", source.toString(),
                "--out", tmp.resolve("a").toString(), "--count", "130", "--seed", "5"));
        assertEquals(ExitCodes.OK, Main.run("generate", "--data-dir", source.toString(),
                "--out", tmp.resolve("b").toString(), "--count", "130", "--seed", "5"));
        assertEquals(ExitCodes.OK, Main.run("generate", "--data-dir", source.toString(),
                "--out", tmp.resolve("c").toString(), "--count", "130", "--seed", "6"));

        IdxHeader images = IdxReader.readHeader(tmp.resolve("a").resolve(MnistFiles.TRAIN_IMAGES).toString(),
                IdxKind.IMAGES);
        assertEquals(130, images.count());
        assertEquals(28, images.rows());
        assertEquals(28, images.cols());
        byte[] labels = IdxReader.readLabels(IdxReader.readHeader(
                tmp.resolve("a").resolve(MnistFiles.TRAIN_LABELS).toString(), IdxKind.LABELS));
        byte[] sourceLabels = IdxReader.readLabels(IdxReader.readHeader(
                MnistFiles.train(source.toString()).labels(), IdxKind.LABELS));
        for (int i = 0; i < labels.length; i++) {
            assertEquals(sourceLabels[i % SOURCE], labels[i], "label of record " + i);
        }
        byte[] original = IdxReader.readRecords(IdxReader.readHeader(MnistFiles.train(source.toString()).images(),
                IdxKind.IMAGES), 0, SOURCE);
        byte[] generated = IdxReader.readRecords(images, 0, 130);
        assertArrayEquals(original, Arrays.copyOf(generated, original.length), "the originals come first");
        assertFalse(Arrays.equals(Arrays.copyOfRange(generated, SOURCE * 784, 2 * SOURCE * 784), original),
                "the copies are distorted");
        assertArrayEquals(generated, Files.readAllBytes(tmp.resolve("b").resolve(MnistFiles.TRAIN_IMAGES))
                        .length == 0 ? null : IdxReader.readRecords(IdxReader.readHeader(
                        tmp.resolve("b").resolve(MnistFiles.TRAIN_IMAGES).toString(), IdxKind.IMAGES), 0, 130),
                "same seed, same bytes");
        byte[] otherSeed = IdxReader.readRecords(IdxReader.readHeader(
                tmp.resolve("c").resolve(MnistFiles.TRAIN_IMAGES).toString(), IdxKind.IMAGES), 0, 130);
        assertFalse(Arrays.equals(generated, otherSeed), "another seed, other distortions");
        assertTrue(MnistFiles.complete(tmp.resolve("a").toString()), "the test set is copied alongside");
    }

    @Test
    void aDistortedDigitDiffersButStaysClose() {
        byte[] ring = ring();
        Distortion d = Distortion.MNIST_DEFAULT;
        double[] field = new double[2 * d.elasticGrid() * d.elasticGrid()];
        for (int k = 0; k < 20; k++) {
            byte[] out = new byte[784];
            d.apply(ring, 0, 28, 28, AugmentedMnist.recordRandom(3, k), field, out, 0);
            assertFalse(Arrays.equals(ring, out), "copy " + k + " is changed");
            double r = alignedCorrelation(ring, out);
            assertTrue(r > 0.6, "copy " + k + " stays close to the original: correlation " + r
                    + " at the best shift of up to 2 pixels");
            double massRatio = (double) sum(out) / sum(ring);
            assertTrue(massRatio > 0.7 && massRatio < 1.4, "copy " + k + " keeps its ink: ratio " + massRatio);
        }
        byte[] again = new byte[784];
        byte[] first = new byte[784];
        d.apply(ring, 0, 28, 28, AugmentedMnist.recordRandom(3, 0), field, first, 0);
        d.apply(ring, 0, 28, 28, AugmentedMnist.recordRandom(3, 0), field, again, 0);
        assertArrayEquals(first, again, "same key, same image");
        byte[] none = new byte[784];
        new Distortion(0, 0, 0, 0, 0, 2).apply(ring, 0, 28, 28, new SplittableRandom(1), field, none, 0);
        assertArrayEquals(ring, none, "zero distortion is the identity");
    }

    @Test
    void aCountBelowOneIsBadInput() {
        Path source = SyntheticDigits.writeMnistLike(tmp.resolve("src"), 10, 5, false, 1);
        assertEquals(ExitCodes.BAD_INPUT, Main.run("generate", "--data-dir", source.toString(),
                "--out", tmp.resolve("x").toString(), "--count", "0"));
    }

    /** Issue 30: generate never writes over its own source, nor into a folder it did not write. */
    @Test
    void theSourceAndForeignFoldersAreNeverWrittenInto() throws IOException {
        Path source = SyntheticDigits.writeMnistLike(tmp.resolve("src"), 10, 5, false, 1);
        byte[] before = java.nio.file.Files.readAllBytes(source.resolve(MnistFiles.TRAIN_IMAGES));
        assertEquals(ExitCodes.BAD_INPUT, Main.run("generate", "--data-dir", source.toString(),
                "--out", source.toString(), "--count", "20", "--overwrite"));
        assertArrayEquals(before, java.nio.file.Files.readAllBytes(source.resolve(MnistFiles.TRAIN_IMAGES)));
        Path foreign = java.nio.file.Files.createDirectories(tmp.resolve("foreign"));
        java.nio.file.Files.writeString(foreign.resolve("notes.txt"), "mine");
        assertEquals(ExitCodes.BAD_INPUT, Main.run("generate", "--data-dir", source.toString(),
                "--out", foreign.toString(), "--count", "20"));
        Path own = tmp.resolve("own");
        for (int run = 0; run < 2; run++) {
            assertEquals(ExitCodes.OK, Main.run("generate", "--data-dir", source.toString(),
                    "--out", own.toString(), "--count", "20"), "a rerun writes over its own output");
        }
    }

    /** A digit-like ring ("0") of radius 8, 2-3 pixels thick. */
    private static byte[] ring() {
        byte[] img = new byte[784];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                double r = Math.hypot(x - 13.5, (y - 13.5) * 0.8);
                img[y * 28 + x] = (byte) (Math.abs(r - 8) < 1.5 ? 255 : 0);
            }
        }
        return img;
    }

    private static long sum(byte[] img) {
        long s = 0;
        for (byte b : img) {
            s += b & 0xff;
        }
        return s;
    }

    /** The best correlation of {@code a} with {@code b} shifted by up to 2 pixels either way. */
    private static double alignedCorrelation(byte[] a, byte[] b) {
        double best = -1;
        for (int dy = -2; dy <= 2; dy++) {
            for (int dx = -2; dx <= 2; dx++) {
                byte[] shifted = new byte[784];
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        int sx = x + dx;
                        int sy = y + dy;
                        if (sx >= 0 && sy >= 0 && sx < 28 && sy < 28) {
                            shifted[y * 28 + x] = b[sy * 28 + sx];
                        }
                    }
                }
                best = Math.max(best, correlation(a, shifted));
            }
        }
        return best;
    }

    private static double correlation(byte[] a, byte[] b) {
        double ma = sum(a) / (double) a.length;
        double mb = sum(b) / (double) b.length;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = (a[i] & 0xff) - ma;
            double y = (b[i] & 0xff) - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
