package dev.sparkmnist.pipeline;

import java.util.List;
import java.util.stream.IntStream;

import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.nn.Blas;

/**
 * Logs which BLAS the driver and the executors run on, warns loudly about the slow one, and warns when they differ:
 * runs are reproducible bit for bit only between JVMs on the same BLAS.
 */
public final class BlasReport {
    private static final Logger LOG = LoggerFactory.getLogger(BlasReport.class);

    private BlasReport() {
    }

    /**
     * Logs the driver's BLAS and asks every executor slot (one small Spark job) for its own; returns the executors'
     * descriptions ({@link Blas#describe()}), distinct.
     */
    public static List<String> log(JavaSparkContext sc) {
        String driver = Blas.describe();
        LOG.info("BLAS on the driver: {}", driver);
        int slots = Math.max(1, sc.defaultParallelism());
        List<String> executors = sc.parallelize(IntStream.range(0, slots).boxed().toList(), slots)
                .map(i -> Blas.describe())
                .distinct()
                .collect();
        LOG.info("BLAS on the executors: {}", String.join(", ", executors));
        if (executors.size() > 1 || !executors.get(0).equals(driver)) {
            LOG.warn("The driver and the executors do not all run the same BLAS ({} / {}): results are not "
                    + "reproducible bit for bit across them. Set {} (auto, java or native) the same everywhere.",
                    driver, String.join(", ", executors), Blas.ENV);
        }
        if (Blas.isSlowFallback() || executors.stream().anyMatch(n -> n.startsWith("F2j") || n.startsWith("Java8"))) {
            LOG.warn("*** Only the slow pure-Java BLAS (about 2 GFLOP/s) is available. Install OpenBLAS "
                    + "(apt-get install libopenblas0-pthread) and start Java with --add-modules "
                    + "jdk.incubator.vector; submit.sh does the latter. ***");
        }
        return executors;
    }
}
