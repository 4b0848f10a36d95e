package dev.sparkmnist.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.BlockManagerMaster;
import org.apache.spark.storage.RDDBlockId;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

import dev.sparkmnist.testing.SharedSpark;

/**
 * The release seam against the Spark release the build uses (CI's release-matrix pass runs it on every profile):
 * executor count and cached-block holders of a local context, before and after caching and unpersisting.
 */
class SparkReleasesTest {

    @Test
    void countsExecutorsWithoutTheDriver() {
        JavaSparkContext sc = SharedSpark.get();
        assertEquals(0, SparkReleases.executorCount(sc.sc()), "local mode: the driver is the only executor");
    }

    @Test
    void findsWhereACachedBlockIs() {
        JavaSparkContext sc = SharedSpark.get();
        JavaRDD<Integer> rdd = sc.parallelize(List.of(1, 2, 3, 4), 2).persist(StorageLevel.MEMORY_ONLY());
        BlockManagerMaster master = SparkEnv.get().blockManager().master();
        RDDBlockId first = new RDDBlockId(rdd.id(), 0);
        assertTrue(SparkReleases.blockHolders(master, first).isEmpty(), "nothing cached before the first job");
        assertEquals(4, rdd.count());
        assertEquals(List.of("driver"), SparkReleases.blockHolders(master, first));
        assertEquals(List.of("driver"), SparkReleases.blockHolders(master, new RDDBlockId(rdd.id(), 1)));
        rdd.unpersist(true);
        assertTrue(SparkReleases.blockHolders(master, first).isEmpty(), "gone after unpersist");
    }
}
