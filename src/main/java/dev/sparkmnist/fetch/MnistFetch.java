package dev.sparkmnist.fetch;

import java.io.PrintStream;
import java.util.List;

import dev.sparkmnist.data.MnistFiles;

/**
 * The notebook's {@code cached_download} for the train command: when the data directory lacks MNIST files,
 * fetch them (with the same code as the {@code fetch} command), unless told to stay offline. Only a folder that
 * holds nothing but MNIST's own files is completed: when a file there is not MNIST's, the run is refused (exit
 * code 2) and nothing is written, so MNIST's files are never paired with other data.
 */
public final class MnistFetch {
    private MnistFetch() {
    }

    /**
     * Returns at once when {@code dataDir} holds all four files; else verifies those that are there and fetches
     * the rest, or fails when they are not MNIST's or when offline.
     */
    public static void ensurePresent(String dataDir, boolean offline, PrintStream log) {
        if (MnistFiles.complete(dataDir)) {
            return;
        }
        DataFolder.Contents contents = DataFolder.inspect(dataDir);
        List<String> missing = contents.missing();
        if (contents.holdsOtherData()) {
            throw DataFolder.otherData(dataDir, missing, contents);
        }
        if (offline) {
            throw new MnistFiles.MissingDataException(String.format(
                    "%s lacks %s and --offline forbids fetching them: run `./submit.sh fetch --data-dir %s` "
                            + "(or `fetch --from FOLDER_OR_ARCHIVE --data-dir %s`) first, or put the four MNIST files "
                            + "there by hand (plain or .gz)", dataDir, String.join(", ", missing), dataDir, dataDir));
        }
        log.println("fetch: " + dataDir + " lacks MNIST files; fetching them (use --offline to fail instead)");
        FetchReport report = new Fetcher(FetchSettings.load(null), null, log).fetch(dataDir, Fetcher.Existing.VERIFY);
        log.print(report.toText());
    }
}
