package dev.sparkmnist.export;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import dev.sparkmnist.fs.HadoopConf;
import dev.sparkmnist.fs.UserFiles;
import dev.sparkmnist.train.InvalidConfigException;

/**
 * Writes the exported file on any Hadoop path through {@link UserFiles} (temporary name, then an atomic replace), after
 * refusing an {@code --out} that names a directory as the bad option it is.
 */
final class AtomicFile {
    private AtomicFile() {
    }

    static void write(String path, byte[] content) {
        Path given = new Path(path);
        try {
            FileSystem fs = HadoopConf.fileSystem(given);
            if (fs.exists(given) && fs.getFileStatus(given).isDirectory()) {
                throw new InvalidConfigException(path + ": is a directory; give a file name such as "
                        + path + "/" + OnnxExport.FILE_NAME);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot write: " + e.getMessage(), e);
        }
        UserFiles.write(given, content);
    }
}
