package dev.sparkmnist.cli;

import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine.Option;

/** Options every Spark command shares. */
public final class CommonOptions {
    /**
     * Training uses at most this many partitions unless {@code --partitions} says otherwise. Measured on MNIST
     * with the default preset: 2 and 4 partitions end at 98.0-98.2% test accuracy, 8 at 97.4-97.6% (each
     * partition's share of a batch of 256 is then 32 samples, and averaging 8 models drifted apart over 32 local
     * steps costs accuracy). MNIST gains nothing from more tasks than that.
     */
    static final int DEFAULT_MAX_TRAINING_PARTITIONS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(CommonOptions.class);

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Folder (any Hadoop path) holding the four MNIST IDX files, plain or .gz "
                    + "(default: ${DEFAULT-VALUE}).", defaultValue = "data/mnist")
    String dataDir;

    @Option(names = "--partitions",
            description = "Partitions of the data, i.e. tasks per Spark job (default: Spark's default parallelism; "
                    + "for training at most 4, where the default preset's accuracy was measured).")
    Integer partitions;

    /** Partitions for reading and evaluating: as given, else Spark's default parallelism. */
    int partitions(JavaSparkContext sc) {
        return partitions != null ? partitions : sc.defaultParallelism();
    }

    /** Partitions for training: as given, else Spark's default parallelism capped at 4 (said in the log). */
    int trainingPartitions(JavaSparkContext sc) {
        return trainingPartitions(partitions, sc.defaultParallelism());
    }

    static int trainingPartitions(Integer given, int slots) {
        if (given != null) {
            return given;
        }
        if (slots > DEFAULT_MAX_TRAINING_PARTITIONS) {
            LOG.info("training on {} partitions of {} task slots: the default preset's accuracy drops with more "
                    + "(97.4-97.6% at 8); --partitions overrides", DEFAULT_MAX_TRAINING_PARTITIONS, slots);
            return DEFAULT_MAX_TRAINING_PARTITIONS;
        }
        return slots;
    }
}
