package dev.sparkmnist.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The job's Spark defaults fill in only what the user left unset. */
class SparkDefaultsTest {
    @Test
    void defaultsFillGapsAndKeepTheUsersSettings() {
        SparkConf filled = SparkContexts.withDefaults(new SparkConf(false).setMaster("local[2]"));
        assertEquals("64m", filled.get("spark.task.maxDirectResultSize"));
        assertEquals("1", filled.get("spark.executorEnv.OPENBLAS_NUM_THREADS"));
        assertEquals("127.0.0.1", filled.get("spark.driver.bindAddress"));

        SparkConf own = SparkContexts.withDefaults(new SparkConf(false).setMaster("yarn")
                .set("spark.task.maxDirectResultSize", "2m").set("spark.executorEnv.OPENBLAS_NUM_THREADS", "4"));
        assertEquals("2m", own.get("spark.task.maxDirectResultSize"));
        assertEquals("4", own.get("spark.executorEnv.OPENBLAS_NUM_THREADS"));
        assertFalse(own.contains("spark.driver.bindAddress"), "a cluster driver keeps its own addresses");
    }
}
