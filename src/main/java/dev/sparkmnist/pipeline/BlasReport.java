package dev.sparkmnist.pipeline;

import java.util.List;
import java.util.stream.IntStream;

import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.nn.Blas;

/** Logs which BLAS implementation the driver and the executors run on, and warns loudly about the slow one. */
public final class BlasReport {
    private static final Logger LOG = LoggerFactory.getLogger(BlasReport.class);

    private BlasReport() {
    }

    /** Logs the driver's BLAS and asks every executor slot (one small Spark job) for its own. */
    public static List<String> log(JavaSparkContext sc) {
        LOG.info("BLAS on the driver: {}", Blas.implementation());
        int slots = Math.max(1, sc.defaultParallelism());
        List<String> executors = sc.parallelize(IntStream.range(0, slots).boxed().toList(), slots)
                .map(i -> Blas.implementation())
                .distinct()
                .collect();
        LOG.info("BLAS on the executors: {}", String.join(", ", executors));
        if (Blas.isSlowFallback() || executors.stream().anyMatch(n -> n.startsWith("F2j") || n.startsWith("Java8"))) {
            LOG.warn("*** Only the slow pure-Java BLAS (about 2 GFLOP/s) is available. Install OpenBLAS "
                    + "(apt-get install libopenblas0-pthread) and start Java with --add-modules "
                    + "jdk.incubator.vector; submit.sh does the latter. ***");
        }
        return executors;
    }
}
