package dev.sparkmnist.fetch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.fs.HadoopConf;

/**
 * The destination of a fetch, a local folder or any Hadoop path (HDFS, S3A...). Files are staged and verified in
 * a local temporary folder (inside the data directory when it is local, so publishing is an atomic rename);
 * for other file systems each verified file is copied to a temporary name there and renamed. A data directory
 * the fetch itself created is removed again when the fetch fails.
 */
final class DataDirectory {
    private final String dir;
    private final org.apache.hadoop.fs.Path hadoopDir;
    private final FileSystem fs;
    private final Path localDir;
    private boolean created;

    private DataDirectory(String dir, boolean forceHadoopCopy) {
        this.dir = dir;
        this.hadoopDir = new org.apache.hadoop.fs.Path(dir);
        try {
            this.fs = hadoopDir.getFileSystem(HadoopConf.get());
            this.fs.setWriteChecksum(false);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot open file system: " + e.getMessage(), e);
        }
        this.localDir = !forceHadoopCopy && fs instanceof LocalFileSystem local
                ? local.pathToFile(hadoopDir).toPath() : null;
    }

    /** {@code forceHadoopCopy} publishes through the Hadoop file system even for local paths (for tests). */
    static DataDirectory of(String dir, boolean forceHadoopCopy) {
        return new DataDirectory(dir, forceHadoopCopy);
    }

    String path() {
        return dir;
    }

    /** The path of {@code name} or {@code name.gz} there, or null. */
    String existing(String name) {
        try {
            return MnistFiles.locate(dir, name);
        } catch (MnistFiles.MissingDataException e) {
            return null;
        }
    }

    /** A new empty local folder to stage files in. */
    Path createStaging() throws IOException {
        if (localDir != null) {
            if (!Files.isDirectory(localDir)) {
                Files.createDirectories(localDir);
                created = true;
            }
            return Files.createTempDirectory(localDir, ".fetch-");
        }
        return Files.createTempDirectory("spark-mnist-fetch-");
    }

    /** Moves the verified {@code file} to its final name; a stale {@code name.gz} beside it is removed. */
    void publish(Path file, String name) throws IOException {
        if (localDir != null) {
            Files.move(file, localDir.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(localDir.resolve(name + ".gz"));
            return;
        }
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(hadoopDir, name);
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(hadoopDir, "." + name + ".fetching");
        fs.mkdirs(hadoopDir);
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(file.toUri()), tmp);
        fs.delete(target, false);
        if (!fs.rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException(target + ": cannot rename " + tmp + " to it");
        }
        fs.delete(new org.apache.hadoop.fs.Path(hadoopDir, name + ".gz"), false);
    }

    /** Deletes the staging folder; after a failure also the data directory when this fetch created it empty. */
    void cleanUp(Path staging, boolean succeeded) {
        WorkDirs.delete(staging);
        if (!succeeded && created) {
            try (var left = Files.list(localDir)) {
                if (left.findAny().isEmpty()) {
                    Files.delete(localDir);
                }
            } catch (IOException e) {
                // leave it; it is empty or holds someone else's files
            }
        }
    }
}
