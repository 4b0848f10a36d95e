package dev.sparkmnist.idx;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import dev.sparkmnist.fs.HadoopConf;

/**
 * Writes IDX image and label files (optionally gzipped) to any Hadoop path. Used by tests, the data generator and
 * tools; writes to a temporary name and renames, so a reader never sees half a file.
 */
public final class IdxWriter {
    private IdxWriter() {
    }

    /** Writes {@code count} images of {@code rows x cols} bytes each, stored back to back in {@code pixels}. */
    public static void writeImages(String path, byte[] pixels, int count, int rows, int cols, boolean gzip) {
        if ((long) count * rows * cols != pixels.length) {
            throw new IllegalArgumentException("pixels length " + pixels.length + " != " + count + "*" + rows + "*" + cols);
        }
        write(path, gzip, out -> {
            out.writeInt(IdxKind.IMAGES.magic());
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            out.write(pixels);
        });
    }

    /**
     * Streams {@code count} images of {@code rows x cols} bytes, asking {@code source} for them a chunk at a time:
     * for sets too large to hold in one array (3 million MNIST images are 2.35 GB).
     */
    public static void writeImages(String path, int count, int rows, int cols, boolean gzip, ImageSource source) {
        int recordBytes = rows * cols;
        int chunk = Math.max(1, Math.min(count, (1 << 22) / Math.max(1, recordBytes)));
        write(path, gzip, out -> {
            out.writeInt(IdxKind.IMAGES.magic());
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            byte[] buf = new byte[chunk * recordBytes];
            for (int first = 0; first < count; first += chunk) {
                int n = Math.min(chunk, count - first);
                source.fill(first, n, buf);
                out.write(buf, 0, n * recordBytes);
            }
        });
    }

    /** Produces images on demand for {@link #writeImages(String, int, int, int, boolean, ImageSource)}. */
    @FunctionalInterface
    public interface ImageSource {
        /** Writes images {@code first .. first+n} back to back into the start of {@code out}. */
        void fill(int first, int n, byte[] out);
    }

    /** Writes one label byte per record. */
    public static void writeLabels(String path, byte[] labels, boolean gzip) {
        write(path, gzip, out -> {
            out.writeInt(IdxKind.LABELS.magic());
            out.writeInt(labels.length);
            out.write(labels);
        });
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static void write(String path, boolean gzip, Body body) {
        Path target = new Path(path);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
        try {
            FileSystem fs = target.getFileSystem(HadoopConf.get());
            fs.setWriteChecksum(false);
            try (OutputStream raw = fs.create(tmp, true);
                 OutputStream maybeGz = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(maybeGz, 1 << 16))) {
                body.write(out);
            }
            fs.delete(target, false);
            if (!fs.rename(tmp, target)) {
                throw new IOException("rename " + tmp + " -> " + target + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot write: " + e.getMessage(), e);
        }
    }
}
