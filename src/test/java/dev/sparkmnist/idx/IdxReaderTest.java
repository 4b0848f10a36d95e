package dev.sparkmnist.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.testing.SyntheticDigits;

class IdxReaderTest {
    @TempDir
    Path dir;

    private final byte[] labels = SyntheticDigits.labels(50, 7);
    private final byte[] pixels = SyntheticDigits.images(labels, 28, 7);

    private String images(String name, boolean gzip) {
        String p = dir.resolve(name).toString();
        IdxWriter.writeImages(p, pixels, 50, 28, 28, gzip);
        return p;
    }

    @Test
    void roundTripPlainAndGzip() {
        for (boolean gz : new boolean[] {false, true}) {
            String img = images("img-" + gz, gz);
            String lab = dir.resolve("lab-" + gz).toString();
            IdxWriter.writeLabels(lab, labels, gz);
            IdxHeader h = IdxReader.readHeader(img, IdxKind.IMAGES);
            assertEquals(50, h.count());
            assertEquals(28, h.rows());
            assertEquals(gz, h.gzipped());
            assertArrayEquals(pixels, IdxReader.readRecords(h, 0, 50));
            assertArrayEquals(Arrays.copyOfRange(pixels, 10 * 784, 13 * 784), IdxReader.readRecords(h, 10, 3));
            assertArrayEquals(labels, IdxReader.readLabels(IdxReader.readHeader(lab, IdxKind.LABELS)));
        }
    }

    @Test
    void contentNotNameDecidesCompression() throws IOException {
        String rawNamedGz = images("raw.gz", false);
        String gzNoSuffix = images("gzipped", true);
        assertFalse(IdxReader.readHeader(rawNamedGz, IdxKind.IMAGES).gzipped());
        assertTrue(IdxReader.readHeader(gzNoSuffix, IdxKind.IMAGES).gzipped());
        assertArrayEquals(pixels, IdxReader.readRecords(IdxReader.readHeader(rawNamedGz, IdxKind.IMAGES), 0, 50));
        assertArrayEquals(pixels, IdxReader.readRecords(IdxReader.readHeader(gzNoSuffix, IdxKind.IMAGES), 0, 50));
    }

    @Test
    void wrongMagicNamesFileAndBothNumbers() {
        String lab = dir.resolve("labels").toString();
        IdxWriter.writeLabels(lab, labels, false);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readHeader(lab, IdxKind.IMAGES));
        assertTrue(e.getMessage().contains(lab), e.getMessage());
        assertTrue(e.getMessage().contains("expected 2051") && e.getMessage().contains("found 2049"), e.getMessage());
    }

    @Test
    void truncatedBodyAndHeaderCountLargerThanFile() throws IOException {
        Path p = Path.of(images("img", false));
        byte[] all = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(all, all.length - 100));
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> IdxReader.readHeader(p.toString(), IdxKind.IMAGES));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        ByteBuffer.wrap(all).putInt(4, 1_000_000_000);
        Files.write(p, all);
        e = assertThrows(IdxFormatException.class, () -> IdxReader.readHeader(p.toString(), IdxKind.IMAGES));
        assertTrue(e.getMessage().contains("1000000000 images"), e.getMessage());
    }

    @Test
    void truncatedGzipIsReportedWhenRead() throws IOException {
        Path p = Path.of(images("img.gz", true));
        byte[] all = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(all, all.length / 2));
        // Refused when the header is read (the gzip stream is checked end to end there), or at the latest here.
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> IdxReader.readRecords(IdxReader.readHeader(p.toString(), IdxKind.IMAGES), 0, 50));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    }

    @Test
    void gzipWhoseContentIsShorterThanItsHeaderSays() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(ByteBuffer.allocate(16).putInt(2051).putInt(50).putInt(28).putInt(28).array());
            gz.write(new byte[784 * 3]);
        }
        Path p = dir.resolve("short.gz");
        Files.write(p, bytes.toByteArray());
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> IdxReader.readRecords(IdxReader.readHeader(p.toString(), IdxKind.IMAGES), 0, 50));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void emptyFile() throws IOException {
        Path p = dir.resolve("empty");
        Files.write(p, new byte[0]);
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> IdxReader.readHeader(p.toString(), IdxKind.LABELS));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void labelsAboveNineAreReadAsMoreClasses() {
        byte[] more = labels.clone();
        more[17] = (byte) 200;
        String lab = dir.resolve("labels").toString();
        IdxWriter.writeLabels(lab, more, false);
        byte[] read = IdxReader.readLabels(IdxReader.readHeader(lab, IdxKind.LABELS));
        assertEquals(200, read[17] & 0xff);
        assertEquals(201, dev.sparkmnist.data.ClassCount.span(read));
        assertEquals(17, dev.sparkmnist.data.ClassCount.firstOutside(read, 10));
    }

    @Test
    void imageAndLabelCountMismatch() {
        String img = images("img", false);
        String lab = dir.resolve("labels").toString();
        IdxWriter.writeLabels(lab, Arrays.copyOf(labels, 49), false);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.requireSameCount(
                IdxReader.readHeader(img, IdxKind.IMAGES), IdxReader.readHeader(lab, IdxKind.LABELS)));
        assertTrue(e.getMessage().contains("50 images") && e.getMessage().contains("49 labels"), e.getMessage());
    }

    @Test
    void missingFile() {
        String p = dir.resolve("nope").toString();
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readHeader(p, IdxKind.IMAGES));
        assertTrue(e.getMessage().contains(p) && e.getMessage().contains("not found"), e.getMessage());
    }
}
