package dev.sparkmnist.collective;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * How many tasks can run at once right now, which a barrier stage needs all of: Spark's own count of free task
 * slots of the default resource profile, or where that call is missing (it is internal to Spark) the default
 * parallelism, which counts the cores of the executors registered now.
 */
final class Slots {
    private Slots() {
    }

    static int free(JavaSparkContext sc) {
        SparkContext c = sc.sc();
        try {
            return Math.max(1, c.maxNumConcurrentTasks(c.resourceProfileManager().defaultResourceProfile()));
        } catch (LinkageError | RuntimeException e) {
            return Math.max(1, sc.defaultParallelism());
        }
    }
}
