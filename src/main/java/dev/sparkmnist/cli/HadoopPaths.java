package dev.sparkmnist.cli;

import dev.sparkmnist.fs.HadoopConf;

/** Command-line paths made fully qualified before they reach executors: see {@link HadoopConf#qualify}. */
final class HadoopPaths {
    private HadoopPaths() {
    }

    static String qualify(String path) {
        return HadoopConf.qualify(path);
    }
}
