package dev.sparkmnist.idx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.testing.AllocationMeter;
import dev.sparkmnist.testing.IdxBytes;

/**
 * Hostile IDX files are refused by the reader with an {@link IdxFormatException} that names the file, before
 * anything large is allocated (measured with the thread's allocation counter) and without decompressing more
 * than the header justifies.
 */
class IdxHostileInputTest {
    /** Fixed cost of one read (Hadoop configuration, 64 KiB buffers); far below any hostile claim. */
    private static final long OVERHEAD = 24L << 20;

    @TempDir
    Path tmp;

    private String write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p.toString();
    }

    private IdxFormatException refused(String path, IdxKind kind, String expectedText) {
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> {
            IdxHeader h = IdxReader.readHeader(path, kind);
            if (kind == IdxKind.LABELS) {
                IdxReader.readLabels(h);
            } else {
                IdxReader.readRecords(h, 0, (int) h.count());
            }
        });
        assertTrue(e.getMessage().contains(path), "message names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expectedText), "message says what is wrong: " + e.getMessage());
        long allocated = AllocationMeter.allocatedBy(() -> IdxReader.readHeader(path, kind));
        assertTrue(allocated < OVERHEAD, "refusing " + path + " allocated " + allocated + " bytes");
        return e;
    }

    @Test
    void headerClaimingBillionsOfImagesIsRefusedBeforeAllocating() throws Exception {
        refused(write("billions", IdxBytes.images(-1, 28, 28, new byte[784 * 3])), IdxKind.IMAGES,
                "4294967295 images");
        refused(write("billions.gz", IdxBytes.gzip(IdxBytes.images(2_000_000_000, 28, 28, new byte[784 * 3]))),
                IdxKind.IMAGES, "more than a gzip file of");
        refused(write("labels-billions", IdxBytes.labels(Integer.MAX_VALUE, new byte[10])), IdxKind.LABELS,
                "2147483647 labels");
    }

    @Test
    void negativeOrZeroDimensionsAreRefused() throws Exception {
        refused(write("neg-rows", IdxBytes.images(2, -28, 28, new byte[0])), IdxKind.IMAGES, "dimensions -28 x 28");
        refused(write("zero-cols", IdxBytes.images(2, 28, 0, new byte[0])), IdxKind.IMAGES, "dimensions 28 x 0");
        refused(write("huge-side", IdxBytes.images(1, 1 << 20, 1 << 20, new byte[0])), IdxKind.IMAGES,
                "not possible");
        refused(write("zero-count", IdxBytes.labels(0, new byte[0])), IdxKind.LABELS, "no records");
    }

    @Test
    void gzipThatExpandsFarBeyondItsHeaderIsCutOff() throws Exception {
        // 10 labels claimed, 64 MiB of zeros behind them: a gzip bomb. Reading stops one byte past the claim.
        String bomb = write("bomb.gz", IdxBytes.gzipWithZeros(IdxBytes.labels(10, new byte[10]), 64L << 20));
        long t0 = System.nanoTime();
        refused(bomb, IdxKind.LABELS, "holds more than the 18 bytes");
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "the bomb is not decompressed to the end");
    }

    @Test
    void truncatedOrCorruptGzipIsRefused() throws Exception {
        byte[] good = IdxBytes.gzip(IdxBytes.images(50, 28, 28, new byte[50 * 784]));
        refused(write("cut.gz", Arrays.copyOf(good, good.length / 2)), IdxKind.IMAGES, "truncated");
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x5a;
        flipped[good.length / 2 + 1] ^= 0x33;
        assertThrows(IdxFormatException.class, () -> IdxReader.readHeader(write("flip.gz", flipped),
                IdxKind.IMAGES));
        byte[] badMethod = good.clone();
        badMethod[2] = 7; // compression method other than deflate
        refused(write("method.gz", badMethod), IdxKind.IMAGES, "not a valid gzip stream");
    }

    @Test
    void plainFileShorterOrLongerThanItsHeaderIsRefused() throws Exception {
        refused(write("short", IdxBytes.images(10, 28, 28, new byte[9 * 784])), IdxKind.IMAGES, "truncated?");
        refused(write("long", IdxBytes.labels(10, new byte[11])), IdxKind.LABELS, "trailing bytes");
    }

    @Test
    void labelsOutsideTheModelsClassesAndMismatchedCountsAreRefused() throws Exception {
        byte[] body = new byte[20];
        body[13] = 10;
        String path = write("label10", IdxBytes.labels(20, body));
        byte[] read = IdxReader.readLabels(IdxReader.readHeader(path, IdxKind.LABELS));
        assertEquals(11, dev.sparkmnist.data.ClassCount.span(read), "label 10 is an eleventh class, not an error");
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> dev.sparkmnist.data.ClassCount.requireWithin(read, 10, path, "the model m"));
        assertEquals(path + ": label 10 at record 13 is not one of the 10 classes (labels 0..9) of the model m",
                outside.getMessage());
        IdxHeader images = IdxReader.readHeader(write("img", IdxBytes.images(20, 2, 2, new byte[80])),
                IdxKind.IMAGES);
        IdxHeader labels = IdxReader.readHeader(write("lab", IdxBytes.labels(19, new byte[19])), IdxKind.LABELS);
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> IdxReader.requireSameCount(images, labels));
        assertEquals(images.path() + " has 20 images but " + labels.path() + " has 19 labels", e.getMessage());
    }

    @Test
    void wrongKindAndEmptyFilesAreRefused() throws Exception {
        refused(write("swapped", IdxBytes.labels(3, new byte[3])), IdxKind.IMAGES, "(a labels file)");
        refused(write("empty", new byte[0]), IdxKind.LABELS, "empty");
    }
}
