package dev.sparkmnist.pipeline;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Creates the Spark context: whatever {@code spark-submit} or {@code -Dspark.*} properties say, with defaults
 * that make a run work with no cluster at all ({@code local[*]}) and keep native BLAS to one thread per task.
 */
public final class SparkContexts {
    private SparkContexts() {
    }

    public static JavaSparkContext create(String appName) {
        SparkConf conf = new SparkConf()
                .setIfMissing("spark.master", "local[*]")
                .setIfMissing("spark.app.name", appName)
                .setIfMissing("spark.executorEnv.OPENBLAS_NUM_THREADS", "1")
                .setIfMissing("spark.ui.showConsoleProgress", "false");
        return new JavaSparkContext(conf);
    }
}
