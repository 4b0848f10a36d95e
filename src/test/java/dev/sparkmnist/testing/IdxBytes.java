package dev.sparkmnist.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;

import dev.sparkmnist.idx.IdxKind;

/** Raw IDX and gzip bytes for tests that need files the real writer would never produce. */
public final class IdxBytes {
    private IdxBytes() {
    }

    /** An images file: header with the given fields, then {@code body}. */
    public static byte[] images(int count, int rows, int cols, byte[] body) {
        return ByteBuffer.allocate(16 + body.length).putInt(IdxKind.IMAGES.magic()).putInt(count).putInt(rows)
                .putInt(cols).put(body).array();
    }

    /** A labels file: header with the given count, then {@code body}. */
    public static byte[] labels(int count, byte[] body) {
        return ByteBuffer.allocate(8 + body.length).putInt(IdxKind.LABELS.magic()).putInt(count).put(body).array();
    }

    /** {@code data} gzipped. */
    public static byte[] gzip(byte[] data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(data);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code prefix} followed by {@code zeros} zero bytes, gzipped without holding the zeros in memory. */
    public static byte[] gzipWithZeros(byte[] prefix, long zeros) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
                gz.write(prefix);
                byte[] chunk = new byte[1 << 16];
                for (long left = zeros; left > 0; left -= chunk.length) {
                    gz.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
