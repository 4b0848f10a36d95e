package dev.sparkmnist.cli;

import java.util.function.IntConsumer;

/**
 * How {@code main} ends, by deploy mode. In client mode and locally the process exit code is the command's. In
 * cluster mode (the driver runs inside the cluster: YARN's ApplicationMaster, a standalone cluster's
 * DriverWrapper) {@code System.exit} would end the driver before Spark reports its final status, so success returns
 * normally and failure throws a {@link CommandFailedException} carrying the code.
 */
final class DeployMode {
    /** The property spark-submit sets for the driver ({@code client} or {@code cluster}). */
    static final String PROPERTY = "spark.submit.deployMode";

    private DeployMode() {
    }

    /** True when this JVM is a driver that spark-submit started inside the cluster. */
    static boolean isCluster() {
        return "cluster".equals(System.getProperty(PROPERTY));
    }

    /** Ends with {@code code}: through {@code exit} in client mode; by returning or throwing in cluster mode. */
    static void end(int code, boolean cluster, IntConsumer exit) {
        if (!cluster) {
            exit.accept(code);
        } else if (code != ExitCodes.OK) {
            throw new CommandFailedException(code);
        }
    }
}
