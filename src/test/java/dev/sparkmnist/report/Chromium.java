package dev.sparkmnist.report;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Chromium (Debian's {@code chromium} package) for screenshot tests: finds the binary and takes one
 * screenshot of a local file, in a fresh profile, with all background networking off and a hard timeout.
 */
final class Chromium {
    private static final List<String> CANDIDATES = List.of("chromium", "chromium-browser", "google-chrome");

    private Chromium() {
    }

    /** The browser's path, or null when none is installed. */
    static Path find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String name : CANDIDATES) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** Renders {@code page} at {@code width x height} into {@code png}; fails on a non-zero exit or a timeout. */
    static void screenshot(Path browser, Path page, Path png, int width, int height) throws Exception {
        Path profile = Files.createTempDirectory("chromium-profile");
        Path log = Files.createTempFile("chromium", ".log");
        Process p = null;
        try {
            p = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
                    "--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=" + width + "," + height,
                    page.toUri().toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                throw new AssertionError("chromium did not finish within 90 s");
            }
            if (p.exitValue() != 0 || !Files.exists(png)) {
                throw new AssertionError("chromium exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
        } finally {
            if (p != null && p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            delete(profile);
            Files.deleteIfExists(log);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
