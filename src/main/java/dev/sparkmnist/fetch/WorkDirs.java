package dev.sparkmnist.fetch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deletes temporary files and folders that fetch creates, so nothing half-made outlives a run. */
final class WorkDirs {
    private WorkDirs() {
    }

    /** Deletes {@code path} and everything under it; missing is fine. */
    static void delete(Path path) {
        if (path == null || !Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot delete temporary files: " + e.getMessage(), e);
        }
    }
}
