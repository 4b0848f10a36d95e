package dev.sparkmnist.cli;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.sparkmnist.registry.ModelRegistry;
import dev.sparkmnist.registry.RegistryBusyException;
import dev.sparkmnist.registry.RegistryEvent;
import dev.sparkmnist.registry.RegistryLock;
import dev.sparkmnist.registry.VersionInfo;

/** {@code registry list|log|rollback}: inspect a model registry and move its {@code current} pointer by hand. */
@Command(name = "registry", mixinStandardHelpOptions = true,
        description = "Inspect a model registry written by retrain, or roll current back to an earlier version.",
        subcommands = {RegistryCommand.ListVersions.class, RegistryCommand.ShowLog.class,
                RegistryCommand.Rollback.class})
public final class RegistryCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** {@code registry list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Versions with test accuracy, status, parent, time; '*' marks current.")
    static final class ListVersions implements Callable<Integer> {
        @Option(names = "--registry", required = true, paramLabel = "DIR", description = "Model registry directory.")
        String registry;

        @Override
        public Integer call() {
            ModelRegistry r = ModelRegistry.open(registry);
            List<VersionInfo> versions = r.list();
            System.out.println("registry " + r.dir() + ": " + versions.size() + " version(s), current "
                    + (r.current() == null ? "none" : r.current()));
            System.out.printf(Locale.ROOT, "  %7s  %-9s  %8s  %6s  %-20s  %s%n", "version", "status", "test acc",
                    "parent", "finished", "reason");
            for (VersionInfo v : versions) {
                System.out.printf(Locale.ROOT, "%s %7d  %-9s  %8s  %6s  %-20s  %s%n", v.current() ? "*" : " ",
                        v.version(), v.status(), Double.isNaN(v.testAccuracy()) ? "-"
                                : String.format(Locale.ROOT, "%.2f%%", 100 * v.testAccuracy()),
                        v.parent() == null ? "-" : v.parent().toString(), v.endedAt() == null ? "-"
                                : java.time.Instant.parse(v.endedAt()).truncatedTo(ChronoUnit.SECONDS).toString(),
                        v.reason() == null ? "" : v.reason());
            }
            return ExitCodes.OK;
        }
    }

    /** {@code registry log}. */
    @Command(name = "log", mixinStandardHelpOptions = true, description = "The registry's event log, oldest first.")
    static final class ShowLog implements Callable<Integer> {
        @Option(names = "--registry", required = true, paramLabel = "DIR", description = "Model registry directory.")
        String registry;

        @Override
        public Integer call() {
            for (RegistryEvent e : ModelRegistry.open(registry).events()) {
                System.out.printf(Locale.ROOT, "%4d  %-24s  %-10s  version %-4s previous %-4s %s@%s  %s%n", e.seq(),
                        e.time(), e.type(), e.version() == null ? "-" : e.version(),
                        e.previous() == null ? "-" : e.previous(), e.user(), e.host(),
                        e.detail() == null ? "" : e.detail());
            }
            return ExitCodes.OK;
        }
    }

    /** {@code registry rollback N}. */
    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Make version N current again (recorded in the log). Takes the registry's lock.")
    static final class Rollback implements Callable<Integer> {
        @Parameters(paramLabel = "N", description = "The version to make current.")
        int version;

        @Mixin
        RegistryOptions registryOptions;

        @Option(names = "--force", description = "Allow a version that is not published (rejected, abandoned).")
        boolean force;

        @Override
        public Integer call() {
            ModelRegistry r = ModelRegistry.open(registryOptions.registry);
            try (RegistryLock lock = r.lock(System.getProperty("user.name", "unknown") + " rollback",
                    registryOptions.lockTtl(), registryOptions.lockWait())) {
                Integer before = r.rollback(version, force);
                System.out.println("current moved from " + (before == null ? "none" : before) + " to " + version);
                return ExitCodes.OK;
            } catch (RegistryBusyException e) {
                System.err.println("error: " + e.getMessage());
                return ExitCodes.REGISTRY_BUSY;
            }
        }
    }
}
