package dev.sparkmnist.registry;

import java.net.InetAddress;

/** Host, user and process of this run, for the lock, the log and lineage. */
final class RunIdentity {
    private RunIdentity() {
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "unknown";
        }
    }

    static String user() {
        return System.getProperty("user.name", "unknown");
    }

    static long pid() {
        return ProcessHandle.current().pid();
    }
}
