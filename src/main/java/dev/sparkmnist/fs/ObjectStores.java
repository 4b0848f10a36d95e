package dev.sparkmnist.fs;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.hadoop.fs.Path;

/**
 * Warns when a path the program writes with rename-into-place (a model directory, a checkpoint, the registry) is
 * on an object store whose rename is a copy: there a crash mid-rename can leave a partial directory under the
 * real name, and two writers are not kept apart by rename (see docs/cluster.md, "HDFS, hdfs:/// and object
 * stores"). Each path is named once per JVM.
 */
public final class ObjectStores {
    /** Schemes of Hadoop connectors whose directory rename copies object by object. */
    private static final Set<String> COPYING_RENAME = Set.of("s3a", "s3", "s3n", "gs", "oss", "cosn", "obs", "wasb",
            "wasbs");
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private ObjectStores() {
    }

    /** True when {@code path}'s scheme is an object store whose rename is not atomic. */
    public static boolean renameIsCopy(String path) {
        String scheme = new Path(path).toUri().getScheme();
        return scheme != null && COPYING_RENAME.contains(scheme.toLowerCase(Locale.ROOT));
    }

    /** Prints one warning line to stderr when {@code path} (what it is: {@code role}) is on such a store. */
    public static void warnIfRenameIsCopy(String path, String role) {
        if (path != null && renameIsCopy(path) && WARNED.add(path)) {
            System.err.println("warning: " + role + " " + path + " is on an object store whose rename is a copy, "
                    + "not atomic: a run killed while it writes there can leave a partial directory, and two "
                    + "runs are not kept apart by rename (docs/cluster.md: HDFS, hdfs:/// and object stores)");
        }
    }
}
