package dev.sparkmnist.data;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import dev.sparkmnist.fs.HadoopConf;

/**
 * Where the four MNIST IDX files live in a data directory. Each may be stored plain or gzipped; the plain name
 * is preferred when both exist.
 */
public final class MnistFiles {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    public static final String[] ALL = {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS};

    private MnistFiles() {
    }

    /** The training images/labels pair in {@code dataDir}. */
    public static Split train(String dataDir) {
        return new Split(locate(dataDir, TRAIN_IMAGES), locate(dataDir, TRAIN_LABELS));
    }

    /** The test images/labels pair in {@code dataDir}. */
    public static Split test(String dataDir) {
        return new Split(locate(dataDir, TEST_IMAGES), locate(dataDir, TEST_LABELS));
    }

    /** True when all four files are present (plain or gzipped). */
    public static boolean complete(String dataDir) {
        for (String name : ALL) {
            if (find(dataDir, name) == null) {
                return false;
            }
        }
        return true;
    }

    /** The path of {@code name} or {@code name.gz} in {@code dataDir}; a clear error when neither exists. */
    public static String locate(String dataDir, String name) {
        String found = find(dataDir, name);
        if (found == null) {
            throw new MissingDataException(String.format(
                    "%s: neither %s nor %s.gz found (run `fetch --data-dir %s`, or put the MNIST files there)",
                    dataDir, name, name, dataDir));
        }
        return found;
    }

    /**
     * {@code path} when it exists, else {@code path.gz} when that does (as {@code --data-dir} takes either), else
     * {@code path}, for the reader to refuse by name.
     */
    public static String plainOrGzipped(String path) {
        Path p = new Path(path);
        String found = p.getParent() == null ? null : find(p.getParent().toString(), p.getName());
        return found != null ? found : path;
    }

    private static String find(String dataDir, String name) {
        try {
            for (String candidate : new String[] {name, name + ".gz"}) {
                Path p = new Path(dataDir, candidate);
                if (p.getFileSystem(HadoopConf.get()).exists(p)) {
                    return p.toString();
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(dataDir + ": cannot list: " + e.getMessage(), e);
        }
    }

    /** An images file and its labels file. */
    public record Split(String images, String labels) {
    }

    /** Thrown when a data directory lacks a needed file. */
    public static final class MissingDataException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MissingDataException(String message) {
            super(message);
        }
    }
}
