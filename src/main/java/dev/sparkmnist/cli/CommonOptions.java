package dev.sparkmnist.cli;

import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine.Option;

/** Options every Spark command shares. */
public final class CommonOptions {
    private static final Logger LOG = LoggerFactory.getLogger(CommonOptions.class);

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Folder (any Hadoop path) holding the four MNIST IDX files, plain or .gz "
                    + "(default: ${DEFAULT-VALUE}).", defaultValue = "data/mnist")
    String dataDir;

    @Option(names = "--partitions",
            description = "Partitions of the data, i.e. tasks per Spark job (default: Spark's default parallelism). "
                    + "Training keeps its accuracy from 2 to 64 partitions: the batch is split over them and the local steps "
                    + "fall with their number (one step per Spark job from 5 on).")
    Integer partitions;

    /** Partitions for reading and evaluating: as given, else Spark's default parallelism. */
    int partitions(JavaSparkContext sc) {
        return partitions != null ? partitions : sc.defaultParallelism();
    }

    /** Partitions for training: as given, else Spark's default parallelism (no cap since issue 12). */
    int trainingPartitions(JavaSparkContext sc) {
        int p = trainingPartitions(partitions, sc.defaultParallelism());
        LOG.info("training on {} partitions{}", p, partitions != null ? "" : " (Spark's default parallelism)");
        return p;
    }

    static int trainingPartitions(Integer given, int slots) {
        return given != null ? given : slots;
    }
}
