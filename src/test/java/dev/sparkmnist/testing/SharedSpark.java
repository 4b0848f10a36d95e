package dev.sparkmnist.testing;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One {@code local[2]} Spark context for all tests in the JVM: starting Spark costs seconds, so tests share it.
 * Tests must not stop it; it stops when the JVM exits.
 */
public final class SharedSpark {
    private static JavaSparkContext context;

    private SharedSpark() {
    }

    public static synchronized JavaSparkContext get() {
        if (context == null || context.sc().isStopped()) {
            SparkConf conf = new SparkConf()
                    .setMaster("local[2]")
                    .setAppName("spark-mnist tests")
                    .set("spark.ui.enabled", "false")
                    .set("spark.ui.showConsoleProgress", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1");
            context = new JavaSparkContext(conf);
        }
        return context;
    }
}
