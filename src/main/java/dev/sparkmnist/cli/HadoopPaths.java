package dev.sparkmnist.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Makes a path given on the command line absolute and fully qualified ({@code data/mnist} becomes
 * {@code file:/home/me/data/mnist}), because executors on a cluster resolve relative paths against their own
 * working directory, not the one the user typed the command in.
 */
final class HadoopPaths {
    private HadoopPaths() {
    }

    static String qualify(String path) {
        if (path == null) {
            return null;
        }
        Path p = new Path(path);
        try {
            return p.getFileSystem(new Configuration()).makeQualified(p).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }
}
