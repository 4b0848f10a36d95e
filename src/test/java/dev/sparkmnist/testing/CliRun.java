package dev.sparkmnist.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import dev.sparkmnist.cli.Main;

/** Runs the command line in this JVM (on the shared Spark context) and captures its exit code and stderr. */
public record CliRun(int exitCode, String stderr) {

    public static synchronized CliRun of(String... args) {
        SharedSpark.get();
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            int code = Main.run(args);
            capture.flush();
            String text = err.toString(StandardCharsets.UTF_8);
            saved.print(text);
            return new CliRun(code, text);
        } finally {
            System.setErr(saved);
        }
    }
}
