package dev.sparkmnist.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from a properties file ({@code conf/spark-mnist.properties} unless {@code -Dsparkmnist.conf}
 * or {@code SPARK_MNIST_CONF} names another). A key is an option's long name without dashes, optionally prefixed
 * by the command: {@code train.data-dir} wins over {@code data-dir}. A missing file means no defaults.
 */
public final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    private final Properties properties;

    public ConfigDefaults(Properties properties) {
        this.properties = properties;
    }

    /** Reads the configured file, or none. */
    public static ConfigDefaults load() {
        String location = System.getProperty("sparkmnist.conf", System.getenv("SPARK_MNIST_CONF"));
        Path file = Path.of(location != null ? location : "conf/spark-mnist.properties");
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
            }
        } else if (location != null) {
            throw new IllegalArgumentException(file + ": configuration file not found");
        }
        return new ConfigDefaults(p);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String key = option.longestName().replaceFirst("^-+", "");
        String command = option.command() == null ? null : option.command().name();
        String value = command == null ? null : properties.getProperty(command + "." + key);
        return value != null ? value : properties.getProperty(key);
    }
}
