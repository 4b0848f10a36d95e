package dev.sparkmnist.fetch;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Makes a data directory hold the four MNIST files, verified. Files already there are checked (or trusted, or
 * replaced, as asked); the rest are asked of each source in turn. Every delivered file is verified before it
 * counts; one that fails is deleted and the next source asked. Nothing is published until all files are
 * verified, so a failed fetch leaves the data directory as it found it.
 */
public final class Fetcher {
    /** What to do with files already in the data directory. */
    public enum Existing {
        /** Verify them; a file that is not MNIST stops the fetch (the user must move it or use REPLACE). */
        VERIFY,
        /** Fetch all files again and replace them ({@code --force}). */
        REPLACE
    }

    private final FetchSettings settings;
    private final String from;
    private final PrintStream log;
    private final boolean forceHadoopCopy;

    /** {@code from} is the {@code --from} folder or archive, or null. */
    public Fetcher(FetchSettings settings, String from, PrintStream log) {
        this(settings, from, log, false);
    }

    /** As above; {@code forceHadoopCopy} publishes through Hadoop's FileSystem even to a local folder. */
    public Fetcher(FetchSettings settings, String from, PrintStream log, boolean forceHadoopCopy) {
        this.settings = settings;
        this.from = from;
        this.log = log;
        this.forceHadoopCopy = forceHadoopCopy;
    }

    /** Fetches into {@code dataDir}; throws {@link FetchFailedException} with the whole story when it cannot. */
    public FetchReport fetch(String dataDir, Existing existing) {
        DataDirectory dest = DataDirectory.of(dataDir, forceHadoopCopy);
        FetchReport report = new FetchReport(dataDir);
        List<ExpectedFile> missing = new ArrayList<>();
        for (ExpectedFile f : settings.files()) {
            String there = existing == Existing.REPLACE ? null : dest.existing(f.name());
            if (there == null) {
                missing.add(f);
            } else {
                try {
                    Verifier.verify(there, f);
                    report.add(FetchReport.PRESENT, f.name(), true, "there, verified");
                } catch (VerificationException e) {
                    throw new FetchFailedException(e.getMessage() + "\n" + there + " is not the MNIST file; move it "
                            + "away, or use --force to replace it with a fetched copy.");
                }
            }
        }
        if (missing.isEmpty()) {
            return report;
        }
        Path staging;
        try {
            staging = dest.createStaging();
        } catch (IOException e) {
            throw new UncheckedIOException(dataDir + ": cannot create a temporary folder: " + e.getMessage(), e);
        }
        boolean succeeded = false;
        Thread cleanUpOnExit = new Thread(() -> WorkDirs.delete(staging), "fetch-clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUpOnExit);
        try {
            List<ExpectedFile> left = new ArrayList<>(missing);
            List<Function<Path, Source>> sources = sources();
            for (int i = 0; i < sources.size() && !left.isEmpty(); i++) {
                try (Source source = sources.get(i).apply(staging.resolve("source-" + i))) {
                    trySource(source, left, staging, report);
                }
            }
            if (!left.isEmpty()) {
                throw new FetchFailedException(report.failureMessage(left, settings));
            }
            for (ExpectedFile f : missing) {
                dest.publish(staging.resolve(f.name()), f.name());
            }
            succeeded = true;
            return report;
        } catch (IOException e) {
            throw new UncheckedIOException(dataDir + ": cannot write: " + e.getMessage(), e);
        } finally {
            dest.cleanUp(staging, succeeded);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUpOnExit);
            } catch (IllegalStateException exiting) {
                // the JVM is shutting down and the hook runs anyway
            }
        }
    }

    private void trySource(Source source, List<ExpectedFile> left, Path staging, FetchReport report) {
        String down = null;
        for (Iterator<ExpectedFile> it = left.iterator(); it.hasNext(); ) {
            ExpectedFile f = it.next();
            if (down != null) {
                report.add(source.describe(), f.name(), false, down);
                continue;
            }
            Path target = staging.resolve(f.name());
            try {
                source.fetch(f, target);
                // A URI: a bare path would be resolved against fs.defaultFS, which may be HDFS.
                Verifier.verify(target.toUri().toString(), f);
                report.add(source.describe(), f.name(), true, "verified, sha256 " + f.sha256().substring(0, 12) + "...");
                log.println("fetch: " + f.name() + " verified (from " + source.describe() + ")");
                it.remove();
            } catch (SourceException | VerificationException e) {
                deleteQuietly(target);
                String why = e.getMessage().replace(target.toUri().toString(), "download of " + f.name())
                        .replace("file:" + target, "download of " + f.name())
                        .replace(target.toString(), "download of " + f.name());
                report.add(source.describe(), f.name(), false, why);
                log.println("fetch: " + f.name() + " from " + source.describe() + " failed: " + why);
                if (e instanceof SourceException se && se.sourceDown()) {
                    down = why;
                }
            }
        }
    }

    /** The configured sources in order, each made when its turn comes, with its own work folder. */
    private List<Function<Path, Source>> sources() {
        Set<String> names = Set.copyOf(settings.files().stream().map(ExpectedFile::name).toList());
        HttpDownloader http = new HttpDownloader(settings.http(), log);
        List<Function<Path, Source>> out = new ArrayList<>();
        for (String kind : settings.order()) {
            switch (kind) {
                case "local" -> {
                    if (from != null) {
                        out.add(work -> new LocalSource(from, names, work, "local " + from));
                    }
                }
                case "mirrors" -> settings.mirrors().forEach(url -> out.add(work -> new MirrorSource(url, http, work)));
                case "npm" -> out.add(work -> new NpmSource(settings, names, work, log));
                default -> throw new IllegalStateException(kind);
            }
        }
        return out;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the staging folder is deleted at the end anyway
        }
    }
}
