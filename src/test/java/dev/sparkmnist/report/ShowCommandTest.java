package dev.sparkmnist.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.cli.Main;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxHeader;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.testing.SyntheticDigits;

/** {@code show}: the grid PNG decodes, has the layout's size, and shows exactly the chosen source images. */
class ShowCommandTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void gridShowsTheSourceImagesPixelForPixel(boolean gzip) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        SyntheticDigits.writeMnistLike(data, 300, 40, gzip, 7);
        Path out = tmp.resolve("pics/grid.png");
        int count = 23;
        assertEquals(ExitCodes.OK, Main.run("show", "--data-dir", data.toString(), "--count", "" + count,
                "--seed", "11", "--split", "train", "--out", out.toString()));

        BufferedImage png = ImageIO.read(out.toFile());
        assertNotNull(png, "grid.png does not decode");
        DigitGrid grid = DigitGrid.forCount(count, 28, 28, 3);
        assertEquals(5, grid.columns());
        assertEquals(grid.width(count), png.getWidth());
        assertEquals(grid.height(count), png.getHeight());

        MnistFiles.Split split = MnistFiles.train(data.toString());
        DigitSample sample = DigitSample.random(split, count, 11);
        Set<Long> distinct = new HashSet<>();
        for (long r : sample.records()) {
            assertTrue(r >= 0 && r < 300);
            distinct.add(r);
        }
        assertEquals(count, distinct.size(), "records drawn twice");
        IdxHeader images = IdxReader.readHeader(split.images(), IdxKind.IMAGES);
        byte[] labels = IdxReader.readLabels(IdxReader.readHeader(split.labels(), IdxKind.LABELS));
        int checked = 0;
        for (int i = 0; i < count; i++) {
            long record = sample.records()[i];
            byte[] source = IdxReader.readRecords(images, record, 1);
            assertEquals(Integer.toString(labels[(int) record]), sample.tiles().get(i).caption());
            // Sample every 3rd pixel (all of them for the first tile), and every screen pixel of its 3x3 block.
            for (int p = 0; p < 784; p += i == 0 ? 1 : 3) {
                int v = source[p] & 0xff;
                int x = grid.imageX(i) + (p % 28) * 3;
                int y = grid.imageY(i) + (p / 28) * 3;
                for (int dy = 0; dy < 3; dy++) {
                    for (int dx = 0; dx < 3; dx++) {
                        int rgb = png.getRGB(x + dx, y + dy) & 0xffffff;
                        assertEquals((v << 16) | (v << 8) | v, rgb,
                                "tile " + i + " (record " + record + ") pixel " + p);
                    }
                }
                checked++;
            }
        }
        assertTrue(checked > 5000, "too few pixels checked: " + checked);
        assertFalse(Arrays.stream(tmp.resolve("pics").toFile().list()).anyMatch(n -> n.contains("tmp")),
                "a temporary file was left behind");
    }

    @Test
    void sameSeedSameDigitsOtherSeedOthers() {
        Path data = SyntheticDigits.writeMnistLike(tmp, 200, 30, false, 3);
        MnistFiles.Split split = MnistFiles.test(data.toString());
        long[] a = DigitSample.random(split, 10, 1).records();
        assertTrue(Arrays.equals(a, DigitSample.random(split, 10, 1).records()));
        assertFalse(Arrays.equals(a, DigitSample.random(split, 10, 2).records()));
        assertEquals(30, DigitSample.random(split, 100, 1).records().length, "capped at the file's records");
    }

    @Test
    void badInputIsRefusedWithExitCodeTwo() {
        Path data = SyntheticDigits.writeMnistLike(tmp, 50, 20, false, 3);
        String out = tmp.resolve("g.png").toString();
        assertEquals(ExitCodes.BAD_INPUT, Main.run("show", "--data-dir", data.toString(), "--split", "valid",
                "--out", out));
        assertEquals(ExitCodes.BAD_INPUT, Main.run("show", "--data-dir", data.toString(), "--count", "0",
                "--out", out));
        assertEquals(ExitCodes.BAD_INPUT, Main.run("show", "--data-dir", tmp.resolve("nowhere").toString(),
                "--out", out));
        assertFalse(Files.exists(Path.of(out)));
    }
}
