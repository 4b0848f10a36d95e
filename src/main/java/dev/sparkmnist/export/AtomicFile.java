package dev.sparkmnist.export;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.UUID;

import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

import dev.sparkmnist.fs.HadoopConf;
import dev.sparkmnist.train.InvalidConfigException;

/**
 * Writes one file on any Hadoop path so that no reader ever sees it half-written: the bytes go to a hidden
 * temporary name in the same directory, which is renamed over the target when complete.
 */
final class AtomicFile {
    private AtomicFile() {
    }

    static void write(String path, byte[] content) {
        Path given = new Path(path);
        try {
            FileSystem fs = given.getFileSystem(HadoopConf.get());
            Path target = fs.makeQualified(given); // a relative name gets its folder, so the temporary file has one
            if (fs.exists(target) && fs.getFileStatus(target).isDirectory()) {
                throw new InvalidConfigException(path + ": is a directory; give a file name such as "
                        + path + "/" + OnnxExport.FILE_NAME);
            }
            fs.setWriteChecksum(false);
            Path parent = target.getParent();
            fs.mkdirs(parent);
            Path tmp = new Path(parent, "." + target.getName() + ".tmp-" + UUID.randomUUID());
            try {
                try (OutputStream out = fs.create(tmp, false)) {
                    out.write(content);
                }
                // The local file system renames over an existing file atomically (POSIX rename); HDFS refuses,
                // and there FileContext's OVERWRITE rename is the atomic replace.
                if (!fs.rename(tmp, target)) {
                    FileContext.getFileContext(fs.getUri(), fs.getConf()).rename(fs.makeQualified(tmp),
                            fs.makeQualified(target), Options.Rename.OVERWRITE);
                }
            } finally {
                if (fs.exists(tmp)) {
                    fs.delete(tmp, false);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot write: " + e.getMessage(), e);
        }
    }
}
