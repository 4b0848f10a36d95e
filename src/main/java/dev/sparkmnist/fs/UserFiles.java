package dev.sparkmnist.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.UUID;

import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
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
    public static void write(Path given, byte[] content) {
        FileSystem fs = HadoopConf.fileSystem(given);
        Path target = fs.makeQualified(given); // a relative name gets its folder, so the temporary file has one
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            fs.setWriteChecksum(false);
            if (fs.exists(target) && fs.getFileStatus(target).isDirectory()) {
                throw new IOException("it is a directory");
            }
            if (!fs.mkdirs(target.getParent())) {
                throw new IOException("cannot create directory " + target.getParent());
            }
            try (OutputStream out = fs.create(tmp, false)) {
                out.write(content);
            }
            // The local file system renames over an existing file atomically (POSIX rename); HDFS refuses, and
            // there FileContext's OVERWRITE rename is the atomic replace: a reader never finds the file missing.
            if (!fs.rename(tmp, target)) {
                FileContext.getFileContext(fs.getUri(), fs.getConf()).rename(tmp, target, Options.Rename.OVERWRITE);
            }
        } catch (IOException e) {
            deleteQuietly(fs, tmp);
            throw new UncheckedIOException(given + ": cannot write: " + e.getMessage(), e);
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
