package dev.sparkmnist.compat;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.SparkContext;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.storage.BlockManagerMaster;

/**
 * Where Spark releases differ for this project, one method each, returning plain Java values:
 * <ul>
 *   <li>{@code JavaSparkStatusTracker.getExecutorInfos()} exists only in Spark 4.2 (a jar compiled against it
 *       fails with {@code NoSuchMethodError} on 3.5, 4.0 and 4.1 the moment an executor joins mid-run); the Scala
 *       {@code SparkStatusTracker.getExecutorInfos()} has been there since Spark 2.0, with the same Java
 *       signature, so {@link #executorCount} uses that.</li>
 *   <li>{@code BlockManagerMaster.getLocations} returns {@code scala.collection.Seq} on Scala 2.12 and
 *       {@code scala.collection.immutable.Seq} on 2.13: a different method descriptor. Called here only through
 *       {@code scala.collection.Iterable}, which both are, so the same source compiles against either (each Scala
 *       version gets its own build, see the pom's profiles), and callers get a {@code List<String>}.</li>
 * </ul>
 * Checked on each release by {@code SparkReleasesTest} in CI's release-matrix pass.
 */
public final class SparkReleases {
    private SparkReleases() {
    }

    /** Executors registered with the driver, the driver itself not counted (0 in local mode). */
    public static int executorCount(SparkContext sc) {
        return sc.statusTracker().getExecutorInfos().length - 1;
    }

    /** The executor ids ({@code driver} in local mode) holding a copy of {@code block}; empty when none does. */
    public static List<String> blockHolders(BlockManagerMaster master, BlockId block) {
        scala.collection.Iterable<BlockManagerId> locations = master.getLocations(block);
        List<String> holders = new ArrayList<>();
        scala.collection.Iterator<BlockManagerId> it = locations.iterator();
        while (it.hasNext()) {
            holders.add(it.next().executorId());
        }
        return holders;
    }
}
