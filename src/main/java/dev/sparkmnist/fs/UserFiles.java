package dev.sparkmnist.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.UUID;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a small user file (metrics JSON, a PNG, a report page) on any Hadoop path: into a hidden temporary file
 * beside the target, then renamed over it, so a reader never takes a half-written file for a finished one.
 * Missing parent directories are created.
 */
public final class UserFiles {
    private UserFiles() {
    }

    /** Writes {@code content} to {@code path}, replacing any file there; errors name the path. */
    public static void write(String path, byte[] content) {
        write(new Path(path), content);
    }

    /** As {@link #write(String, byte[])}. */
    public static void write(Path target, byte[] content) {
        FileSystem fs = HadoopConf.fileSystem(target);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            fs.setWriteChecksum(false);
            if (!fs.mkdirs(target.getParent())) {
                throw new IOException("cannot create directory " + target.getParent());
            }
            try (OutputStream out = fs.create(tmp, true)) {
                out.write(content);
            }
            if (fs.exists(target)) {
                if (fs.getFileStatus(target).isDirectory()) {
                    throw new IOException("it is a directory");
                }
                fs.delete(target, false);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("rename " + tmp + " -> " + target + " failed");
            }
        } catch (IOException e) {
            deleteQuietly(fs, tmp);
            throw new UncheckedIOException(target + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(FileSystem fs, Path p) {
        try {
            fs.delete(p, false);
        } catch (IOException ignored) {
            // the write already failed; its error is the one to report
        }
    }
}
