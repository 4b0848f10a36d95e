package dev.sparkmnist.pipeline;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkContext$;
import org.apache.spark.api.java.JavaSparkContext;

import dev.sparkmnist.nn.Blas;

/**
 * Opens the Spark context for a command: whatever {@code spark-submit} or {@code -Dspark.*} properties say, with
 * defaults that make a run work with no cluster at all ({@code local[*]}) and keep native BLAS to one thread per
 * task. If a context is already running in this JVM (an embedding application, or tests) it is used and left
 * running.
 */
public final class SparkContexts {
    private SparkContexts() {
    }

    /** A context and whether closing the handle stops it. */
    public record Handle(JavaSparkContext context, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                context.close();
            }
        }
    }

    public static Handle open(String appName) {
        // getActive is Scala package-private but public in bytecode; it is the only way to ask without creating.
        scala.Option<SparkContext> active = SparkContext$.MODULE$.getActive();
        if (active.isDefined()) {
            return new Handle(JavaSparkContext.fromSparkContext(active.get()), false);
        }
        SparkConf conf = withDefaults(new SparkConf().setIfMissing("spark.master", "local[*]")
                .setIfMissing("spark.app.name", appName));
        return new Handle(new JavaSparkContext(conf), true);
    }

    /**
     * Fills in what {@code conf} leaves unset: one native BLAS thread per task, the driver's {@code SPARK_MNIST_BLAS}
     * for the executors, no console progress bar, no web UI (a batch job; {@code --conf spark.ui.enabled=true}
     * turns it on), loopback
     * only for a local master, and task results sent straight back to the driver. Local SGD returns each
     * partition's model (3.3 MB for 784-512-10 with velocity); above Spark's default 1 MB direct-result limit every
     * result would take a detour through the block manager and a second fetch, once per partition per job.
     */
    public static SparkConf withDefaults(SparkConf conf) {
        conf.setIfMissing("spark.executorEnv.OPENBLAS_NUM_THREADS", "1")
                .setIfMissing("spark.ui.showConsoleProgress", "false")
                .setIfMissing("spark.ui.enabled", "false")
                .setIfMissing("spark.task.maxDirectResultSize", "64m");
        // Executors choose their BLAS as the driver does, so every JVM of the run computes the same bits.
        String blas = System.getenv(Blas.ENV);
        if (blas != null && !blas.isBlank()) {
            conf.setIfMissing("spark.executorEnv." + Blas.ENV, blas);
        }
        if (conf.get("spark.master", "").startsWith("local")) {
            // Everything is in this JVM: listen on loopback only.
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return conf;
    }
}
