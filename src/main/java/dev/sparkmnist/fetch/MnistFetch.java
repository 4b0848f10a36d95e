package dev.sparkmnist.fetch;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import dev.sparkmnist.data.MnistFiles;

/**
 * The notebook's {@code cached_download} for the train command: when the data directory lacks MNIST files,
 * fetch them (with the same code as the {@code fetch} command), unless told to stay offline.
 */
public final class MnistFetch {
    private MnistFetch() {
    }

    /** Returns at once when {@code dataDir} holds all four files; else fetches them, or fails when offline. */
    public static void ensurePresent(String dataDir, boolean offline, PrintStream log) {
        if (MnistFiles.complete(dataDir)) {
            return;
        }
        if (offline) {
            DataDirectory dir = DataDirectory.of(dataDir, false);
            List<String> missing = new ArrayList<>();
            for (String name : MnistFiles.ALL) {
                if (dir.existing(name) == null) {
                    missing.add(name);
                }
            }
            throw new MnistFiles.MissingDataException(String.format(
                    "%s lacks %s and --offline forbids fetching them: run `./submit.sh fetch --data-dir %s` "
                            + "(or `fetch --from FOLDER_OR_ARCHIVE --data-dir %s`) first, or put the four MNIST files "
                            + "there by hand (plain or .gz)", dataDir, String.join(", ", missing), dataDir, dataDir));
        }
        log.println("fetch: " + dataDir + " lacks MNIST files; fetching them (use --offline to fail instead)");
        FetchReport report = new Fetcher(FetchSettings.load(null), null, log).fetch(dataDir, Fetcher.Existing.TRUST);
        log.print(report.toText());
    }
}
