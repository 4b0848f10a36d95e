package dev.sparkmnist.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Runs the project's shell scripts ({@code submit.sh}, {@code cluster/*.sh}) as a user would, from the project
 * directory, with the output in a log file; and builds the application jar they ship to executors.
 */
public final class Scripts {
    private Scripts() {
    }

    /**
     * Runs {@code cmd} with {@code env} added (and {@code SPARK_HOME} removed unless {@code env} sets it) and returns
     * its exit code; fails with the log when it runs longer than {@code seconds}. Whatever it leaves running is
     * killed.
     */
    public static int run(Map<String, String> env, Path log, long seconds, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("SPARK_HOME");
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                throw new AssertionError(String.join(" ", cmd) + " still running after " + seconds + " s: "
                        + read(log));
            }
            return p.exitValue();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /**
     * The application jar for {@code SPARK_MNIST_APP_JAR}: our compiled classes (picocli and JFreeChart are on the
     * driver's class path). Newer than every source, so {@code submit.sh} does not rebuild it.
     */
    public static Path appJar(Path jar) throws IOException {
        Path classes = Path.of("target/classes");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
        return jar;
    }

    /** A file's text, or a note saying why it could not be read (for failure messages). */
    public static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * A Spark installation as {@code submit.sh} finds one through {@code SPARK_HOME}: {@code jars} (the Spark jars
     * Maven resolved, spark-launcher among them) and {@code bin/spark-submit} and {@code bin/spark-class}. Spark's
     * own shell scripts ship only in the Spark distribution, not on Maven Central, so these two are minimal
     * equivalents of them: spark-class asks {@code org.apache.spark.launcher.Main} for the command (after an empty
     * line, NUL-separated, the launcher's exit code last) and runs it, as Spark's does, without its
     * {@code load-spark-env.sh} step.
     */
    public static Path sparkHomeWithLauncher(Path dir) throws IOException {
        ChildJvm.sparkHome(dir);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("spark-submit"), """
                #!/usr/bin/env bash
                SPARK_HOME="$(cd "$(dirname "$0")/.." && pwd)"
                exec "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.SparkSubmit "$@"
                """);
        Files.writeString(bin.resolve("spark-class"), """
                #!/usr/bin/env bash
                export SPARK_HOME="$(cd "$(dirname "$0")/.." && pwd)"
                export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.13}"
                RUNNER="${JAVA_HOME:+$JAVA_HOME/bin/}java"
                CMD=()
                DELIM=$'\\n'
                while IFS= read -d "$DELIM" -r ARG; do
                  if [[ "$DELIM" == "" ]]; then
                    CMD+=("$ARG")
                  elif [[ -z "$ARG" ]]; then
                    DELIM=''
                  else
                    echo "$ARG"
                  fi
                done < <("$RUNNER" -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main "$@"; \\
                         printf "%d\\0" $?)
                LAST=$((${#CMD[@]} - 1))
                [[ "${CMD[$LAST]}" == 0 ]] || exit "${CMD[$LAST]}"
                exec "${CMD[@]:0:$LAST}"
                """);
        for (String script : new String[] {"spark-submit", "spark-class"}) {
            bin.resolve(script).toFile().setExecutable(true);
        }
        return dir;
    }
}
