package dev.sparkmnist.cli;

import picocli.CommandLine.Option;

/** Options every Spark command shares. */
public final class CommonOptions {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Folder (any Hadoop path) holding the four MNIST IDX files, plain or .gz "
                    + "(default: ${DEFAULT-VALUE}).", defaultValue = "data/mnist")
    String dataDir;

    @Option(names = "--partitions",
            description = "Partitions of the data, i.e. tasks per Spark job (default: Spark's default parallelism).")
    Integer partitions;
}
