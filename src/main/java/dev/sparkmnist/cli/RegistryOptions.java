package dev.sparkmnist.cli;

import java.time.Duration;

import picocli.CommandLine.Option;

/** Options of the commands that use a model registry: where it is and how to treat its lock. */
public final class RegistryOptions {
    @Option(names = "--registry", required = true, paramLabel = "DIR",
            description = "Model registry directory (any Hadoop path); created on first use.")
    String registry;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "0",
            description = "How long to wait for another run's lock before giving up with exit code 6 "
                    + "(default: ${DEFAULT-VALUE}).")
    long waitSeconds;

    @Option(names = "--lock-ttl", paramLabel = "SECONDS", defaultValue = "600",
            description = "Lifetime of the lock unless renewed; a live run renews it every third of this, so only "
                    + "a crashed run's lock lapses (default: ${DEFAULT-VALUE}).")
    long lockTtlSeconds;

    Duration lockWait() {
        return Duration.ofSeconds(Math.max(0, waitSeconds));
    }

    Duration lockTtl() {
        return Duration.ofSeconds(lockTtlSeconds);
    }
}
