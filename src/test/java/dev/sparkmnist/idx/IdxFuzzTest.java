package dev.sparkmnist.idx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.testing.AllocationMeter;
import dev.sparkmnist.testing.IdxBytes;

/**
 * Random damage to valid IDX files (fixed seed, 300 cases, plain and gzipped, images and labels): flipped bytes in
 * the header or body, header fields set to random or extreme values, truncation, trailing garbage. Every case
 * must end in a valid read or an {@link IdxFormatException} naming the file, never another exception, and must
 * allocate no more than a fixed overhead plus a small multiple of what the file can justify.
 */
class IdxFuzzTest {
    private static final int CASES = 300;
    private static final long OVERHEAD = 24L << 20;

    @TempDir
    Path tmp;

    @Test
    void mutatedFilesGiveAValidReadOrAClearError() throws Exception {
        SplittableRandom random = new SplittableRandom(20261130L);
        // Warm up: the first Hadoop file-system access loads classes and configuration once per JVM.
        Path warm = tmp.resolve("warm-up");
        Files.write(warm, validLabels(random));
        new Outcome().read(warm.toString(), IdxKind.LABELS);
        int valid = 0;
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            boolean images = random.nextBoolean();
            boolean gzip = random.nextInt(3) == 0;
            byte[] plain = images ? validImages(random) : validLabels(random);
            String how = mutate(plain, random);
            byte[] bytes = gzip ? IdxBytes.gzip(lastMutation) : lastMutation;
            if (gzip && random.nextInt(4) == 0) {
                how += ", then gzip damaged";
                bytes = damage(bytes, random);
            }
            Path file = tmp.resolve("case-" + i + (gzip ? ".gz" : ""));
            Files.write(file, bytes);
            // What the file can justify: its own size, or for gzip what the (bounded) stream can expand to.
            long justified = gzip ? Math.min((long) bytes.length * IdxReader.MAX_DEFLATE_RATIO, 1L << 24)
                    : bytes.length;
            IdxKind kind = images ? IdxKind.IMAGES : IdxKind.LABELS;
            Outcome outcome = new Outcome();
            long allocated = AllocationMeter.allocatedBy(() -> outcome.read(file.toString(), kind));
            if (outcome.other != null) {
                fail("case " + i + " (" + how + "): " + outcome.other + " instead of IdxFormatException",
                        outcome.other);
            }
            if (outcome.error != null) {
                assertTrue(outcome.error.getMessage().contains(file.toString()),
                        "case " + i + ": message names the file: " + outcome.error.getMessage());
                refused++;
            } else {
                valid++;
            }
            assertTrue(allocated < OVERHEAD + 4 * justified, "case " + i + " (" + how + ") allocated "
                    + allocated + " bytes for a " + bytes.length + "-byte file");
        }
        System.out.printf("IDX fuzz: %d cases, %d read, %d refused with IdxFormatException%n", CASES, valid,
                refused);
        assertTrue(refused > CASES / 2 && valid > 0, "the mutations exercise both outcomes");
    }

    /** Reads a file the way the loader does: header, then every label or every image. */
    private static final class Outcome {
        IdxFormatException error;
        Throwable other;

        void read(String path, IdxKind kind) {
            try {
                IdxHeader h = IdxReader.readHeader(path, kind);
                if (kind == IdxKind.LABELS) {
                    IdxReader.readLabels(h);
                } else {
                    IdxReader.readRecords(h, 0, (int) h.count());
                }
            } catch (IdxFormatException e) {
                error = e;
            } catch (Throwable t) {
                other = t;
            }
        }
    }

    private byte[] lastMutation;

    private String mutate(byte[] file, SplittableRandom r) {
        byte[] b = file.clone();
        int headerBytes = ByteBuffer.wrap(b).getInt(0) == IdxKind.IMAGES.magic() ? 16 : 8;
        String how;
        switch (r.nextInt(7)) {
            case 0 -> {
                int at = r.nextInt(headerBytes);
                b[at] = (byte) r.nextInt(256);
                how = "header byte " + at + " randomised";
            }
            case 1 -> {
                int field = 4 * r.nextInt(headerBytes / 4);
                int[] extremes = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, r.nextInt(), 1 << 16, 4097};
                int v = extremes[r.nextInt(extremes.length)];
                ByteBuffer.wrap(b).putInt(field, v);
                how = "header field at " + field + " set to " + v;
            }
            case 2 -> {
                int at = headerBytes + r.nextInt(Math.max(1, b.length - headerBytes));
                if (at < b.length) {
                    b[at] = (byte) r.nextInt(256);
                }
                how = "body byte " + at + " randomised";
            }
            case 3 -> {
                int len = r.nextInt(b.length);
                b = Arrays.copyOf(b, len);
                how = "truncated to " + len;
            }
            case 4 -> {
                int extra = 1 + r.nextInt(100);
                b = Arrays.copyOf(b, b.length + extra);
                how = extra + " trailing bytes";
            }
            case 5 -> {
                for (int k = 0; k < 8; k++) {
                    int at = r.nextInt(b.length);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                how = "8 random bit flips";
            }
            default -> how = "unchanged";
        }
        lastMutation = b;
        return how;
    }

    private static byte[] damage(byte[] gz, SplittableRandom r) {
        byte[] b = gz.clone();
        if (r.nextBoolean()) {
            return Arrays.copyOf(b, 2 + r.nextInt(b.length - 2));
        }
        int at = 2 + r.nextInt(b.length - 2);
        b[at] = (byte) r.nextInt(256);
        return b;
    }

    private static byte[] validImages(SplittableRandom r) {
        int count = 1 + r.nextInt(20);
        int rows = 1 + r.nextInt(10);
        int cols = 1 + r.nextInt(10);
        byte[] body = new byte[count * rows * cols];
        r.nextBytes(body);
        return IdxBytes.images(count, rows, cols, body);
    }

    private static byte[] validLabels(SplittableRandom r) {
        int count = 1 + r.nextInt(50);
        byte[] body = new byte[count];
        for (int i = 0; i < count; i++) {
            body[i] = (byte) r.nextInt(10);
        }
        return IdxBytes.labels(count, body);
    }
}
