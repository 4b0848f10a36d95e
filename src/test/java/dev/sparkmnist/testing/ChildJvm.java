package dev.sparkmnist.testing;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A JVM started by a test with the test's own class path and Java options (so it computes bit for bit what this
 * JVM would), its output in a log file. Closing it kills it and every process it started (Spark executors),
 * forcibly, so no test leaves processes behind.
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code mainClass} with {@code args}; {@code props} become {@code -D} options, {@code env} is added. */
    public static ChildJvm start(Path log, Map<String, String> props, Map<String, String> env, String mainClass,
                                 String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognized") || a.startsWith("-Ddev.ludovic")
                    || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
                cmd.add(a);
            }
        }
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        pb.environment().putIfAbsent("OPENBLAS_NUM_THREADS", "1");
        pb.environment().putIfAbsent("SPARK_SCALA_VERSION", "2.13");
        return new ChildJvm(pb.start(), log);
    }

    /** A SPARK_HOME for executors in their own JVMs: {@code jars} links to the jars Maven copied. */
    public static Path sparkHome(Path dir) throws IOException {
        Path jars = Path.of("target", "spark-home", "jars").toAbsolutePath();
        if (!Files.isDirectory(jars)) {
            throw new IllegalStateException(jars + " is missing: run mvn process-test-classes (mvn test does)");
        }
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("jars"), jars);
        return dir;
    }

    /** Our compiled classes, for {@code spark.executor.extraClassPath}. */
    public static String appClasses() {
        return new File("target/classes").getAbsolutePath();
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    /** Waits until {@code condition} holds, polling every 50 ms; false when the JVM exits or time runs out. */
    public boolean awaitCondition(BooleanSupplier condition, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (!process.isAlive()) {
                return condition.getAsBoolean();
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Waits for the JVM to exit and returns its exit code; fails the wait with the log's tail on timeout. */
    public int waitFor(long timeoutSeconds) throws Exception {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new AssertionError("child JVM still running after " + timeoutSeconds + " s; log tail:\n" + tail());
        }
        return process.exitValue();
    }

    /** The last 40 lines of the log, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** {@code kill -9} of this JVM alone (its children are left to notice that their driver is gone). */
    public void killHard() {
        process.destroyForcibly();
    }

    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : tree) {
            h.onExit().completeOnTimeout(h, 30, TimeUnit.SECONDS).join();
        }
        process.onExit().completeOnTimeout(process, 30, TimeUnit.SECONDS).join();
    }
}
