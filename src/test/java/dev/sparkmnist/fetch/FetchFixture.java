package dev.sparkmnist.fetch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import dev.sparkmnist.data.ContentDigest;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * Small generated MNIST-like files for fetch tests (plain, gzipped, and a gzipped set with other content that
 * fails the checksum), and fetch settings whose sums are those of the generated files.
 */
final class FetchFixture {
    final Path plainDir;
    final Path gzDir;
    final Path corruptDir;
    private final Properties sums = new Properties();

    FetchFixture(Path root) throws IOException {
        plainDir = SyntheticDigits.writeMnistLike(Files.createDirectories(root.resolve("plain")), 300, 60, false, 7);
        gzDir = SyntheticDigits.writeMnistLike(Files.createDirectories(root.resolve("gz")), 300, 60, true, 7);
        corruptDir = SyntheticDigits.writeMnistLike(Files.createDirectories(root.resolve("corrupt")), 300, 60, true, 8);
        for (String name : MnistFiles.ALL) {
            sums.setProperty("sha256." + name, ContentDigest.sha256Uncompressed(plainDir.resolve(name).toString()));
        }
    }

    /** Settings with the generated files' sums, quick HTTP timeouts and back-off, and no npm. */
    Properties properties(String order, String... mirrors) {
        Properties p = new Properties();
        p.putAll(sums);
        p.setProperty("order", order);
        p.setProperty("mirrors", String.join(",", mirrors));
        p.setProperty("npm.command", "/nonexistent/npm");
        p.setProperty("http.connect-timeout-seconds", "5");
        p.setProperty("http.read-timeout-seconds", "5");
        p.setProperty("http.attempts", "2");
        p.setProperty("http.backoff-millis", "10");
        return p;
    }

    FetchSettings settings(String order, String... mirrors) {
        return FetchSettings.fromProperties(properties(order, mirrors), "test");
    }

    /** Writes {@code p} to {@code file} for {@code fetch --sources}. */
    static Path write(Properties p, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "fetch test settings");
        }
        return file;
    }

    /** The expected sum of {@code name}. */
    String sum(String name) {
        return sums.getProperty("sha256." + name);
    }
}
