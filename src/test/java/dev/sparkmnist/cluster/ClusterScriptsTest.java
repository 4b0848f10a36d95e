package dev.sparkmnist.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.testing.Scripts;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * The standalone cluster as users run it: {@code cluster/start-cluster.sh} starts a master and two one-core
 * workers on 127.0.0.1 (REST submission server off, authentication on, secret files private);
 * {@code ./submit.sh --master spark://127.0.0.1:PORT train ...} trains on it, once undisturbed and then with each of
 * its two branches (plain {@code java}, and {@code spark-submit} from a SPARK_HOME assembled from the Maven jars)
 * while the test kills one executor with {@code kill -9}: the executors have the configured JVM options, the
 * replacement executor gets its share of the cached blocks back, and the weights equal the undisturbed run's. The
 * undisturbed run and the spark-submit branch use the job-per-round engine, the plain branch the collective engine
 * (whose stage the kill fails as a whole: the engine starts it again from its snapshot), so the weights are also
 * the same across engines. Last, a worker is killed with its executor, which is then never replaced: the
 * collective engine cancels the stage that waits for the missing slot and finishes on one task, with the same
 * weights.
 * {@code cluster/stop-cluster.sh} stops exactly the processes the start script started: an unrelated process
 * started beforehand survives.
 */
@Tag("multiprocess")
@Timeout(900)
class ClusterScriptsTest {
    @TempDir
    Path tmp;

    @Test
    void startSubmitStop() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash to run the cluster scripts");
        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 1000, 100, false, 2);
        Path state = tmp.resolve("cluster");
        int port = freePort();
        Path jar = Scripts.appJar(tmp.resolve("app.jar"));
        Map<String, String> env = Map.of("SPARK_MNIST_CLUSTER_DIR", state.toString(),
                "SPARK_MNIST_MASTER_PORT", Integer.toString(port), "SPARK_MNIST_WORKER_MEMORY", "1g",
                "SPARK_MNIST_WORKER_CORES", "1", "SPARK_MNIST_WORKERS", "2", "SPARK_MNIST_APP_JAR", jar.toString(),
                "SPARK_MNIST_DRIVER_MEMORY", "1g");
        Process decoy = new ProcessBuilder("sleep", "900").start();
        List<Long> started = new ArrayList<>();
        try {
            assertEquals(0, Scripts.run(env, tmp.resolve("start.log"), 300, "cluster/start-cluster.sh"),
                    "start-cluster.sh; log: " + Scripts.read(tmp.resolve("start.log")));
            started.add(pid(state.resolve("master.pid")));
            started.add(pid(state.resolve("worker-1.pid")));
            started.add(pid(state.resolve("worker-2.pid")));
            for (long pid : started) {
                assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " runs");
            }
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(state.resolve("spark-auth.conf"))));
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(state.resolve("driver-auth.args"))));
            String masterLog = Scripts.read(state.resolve("master.log"));
            assertTrue(masterLog.contains("authentication enabled"), masterLog);
            assertFalse(masterLog.contains("REST server"), "no REST submission server: " + masterLog);
            assertFalse(listening(6066), "nothing listens on the REST port");

            String master = "spark://127.0.0.1:" + port;
            List<Path> workers = List.of(state.resolve("worker-1.pid"), state.resolve("worker-2.pid"));
            Path undisturbed = tmp.resolve("undisturbed");
            assertEquals(0, Scripts.run(env, tmp.resolve("submit.log"), 600, train(master, data, undisturbed, "job")),
                    "submit.sh; log: " + Scripts.read(tmp.resolve("submit.log")));
            assertTrue(Scripts.read(tmp.resolve("submit.log")).contains("plain java branch"));
            assertTrue(hasExecutorDir(state.resolve("work-1")) && hasExecutorDir(state.resolve("work-2")),
                    "the job ran on the cluster's executors");
            double[] expected = ModelStore.load(undisturbed.toString()).network().parameters();

            // both branches of submit.sh, each losing an executor to kill -9 a sixth of the way through (leaving
            // the replacement time to join)
            Map<String, String> withSpark = new HashMap<>(env);
            withSpark.put("SPARK_HOME", Scripts.sparkHomeWithLauncher(tmp.resolve("spark-home")).toString());
            for (Map<String, String> e : List.of(env, withSpark)) {
                String branch = e.containsKey("SPARK_HOME") ? "spark-submit branch" : "plain java branch";
                String engine = e.containsKey("SPARK_HOME") ? "job" : "collective";
                Path model = tmp.resolve("disturbed-" + branch.split(" ")[0]);
                String[] cmd = train(master, data, model, engine);
                String log = trainLosingAnExecutor(e, workers, false,
                        engine.equals("job") ? cmd : withConf(cmd, SLOW_ROUNDS),
                        tmp.resolve("disturbed-" + branch.split(" ")[0] + ".log"));
                assertTrue(log.contains(branch), log);
                if (engine.equals("job")) {
                    // Either the survivor had re-cached the lost block and drops it, or the block was still
                    // uncached when the replacement registered and the next round reads it on whichever executor
                    // is free.
                    assertTrue(log.contains("executors changed:"), "the rebalancer saw the replacement: " + log);
                    assertTrue(ROUND_TIMES.matcher(log).find(), "rounds timed before and after: " + log);
                } else {
                    assertTrue(log.contains("engine: collective") && log.contains("collective stage failed"),
                            "the collective stage failed and was started again: " + log);
                }
                assertArrayEquals(expected, ModelStore.load(model.toString()).network().parameters(), 0.0,
                        branch + ", " + engine + " engine: identical weights after losing an executor");
            }

            // an executor lost for good: its worker goes too
            Path alone = tmp.resolve("never-replaced");
            String[] withStall = withConf(withConf(train(master, data, alone, "collective"), SLOW_ROUNDS),
                    "spark.sparkmnist.exchange.stallSeconds=5");
            String lostLog = trainLosingAnExecutor(env, workers, true, withStall, tmp.resolve("never-replaced.log"));
            assertTrue(lostLog.contains("1 task slots free for 2 partitions"), "finished on the one slot left: "
                    + lostLog);
            assertArrayEquals(expected, ModelStore.load(alone.toString()).network().parameters(), 0.0,
                    "identical weights after losing an executor that is never replaced");
            started.remove(pid(workers.get(0)));

            // a driver pointed at the wrong state directory fails at once, naming the setting
            Map<String, String> elsewhere = new HashMap<>(env);
            elsewhere.put("SPARK_MNIST_CLUSTER_DIR", tmp.resolve("no-cluster-here").toString());
            assertEquals(2, Scripts.run(elsewhere, tmp.resolve("wrong-dir.log"), 60, train(master, data,
                    tmp.resolve("never"), "job")));
            assertTrue(Scripts.read(tmp.resolve("wrong-dir.log")).contains("SPARK_MNIST_CLUSTER_DIR"),
                    Scripts.read(tmp.resolve("wrong-dir.log")));

            assertEquals(0, Scripts.run(env, tmp.resolve("stop.log"), 120, "cluster/stop-cluster.sh"));
            for (long pid : started) {
                ProcessHandle.of(pid).ifPresent(h -> h.onExit().completeOnTimeout(h, 30, TimeUnit.SECONDS).join());
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid
                        + " stopped");
            }
            assertTrue(decoy.isAlive(), "a process the script did not start is left alone");
            assertFalse(Files.exists(state.resolve("master.pid")));
        } finally {
            decoy.destroyForcibly();
            for (long pid : started) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                });
            }
        }
    }

    private static final long ITERATIONS = 150;
    /**
     * The collective engine's 150 rounds take well under a second here: 20 ms of sleep per round (a test hook that
     * changes no arithmetic) keep its stage running for seconds after the kill sent a sixth of the way in.
     */
    private static final String SLOW_ROUNDS = "spark.sparkmnist.test.roundMillis=20";
    private static final Pattern PROGRESS = Pattern.compile("iteration (\\d+)/");
    private static final Pattern ROUND_TIMES = Pattern.compile("round time, median: [0-9.]+ s before the executor "
            + "loss \\(\\d+ rounds\\), [0-9.]+ s after the rebalance");

    private static String[] train(String master, Path data, Path out, String engine) {
        return new String[] {"./submit.sh", "--master", master, "train", "--data-dir", data.toString(), "--out",
            out.toString(), "--hidden", "8", "--iterations", Long.toString(ITERATIONS), "--local-steps", "1",
            "--batch-size", "32", "--partitions", "2", "--log-every", "10", "--seed", "3", "--engine", engine};
    }

    /** {@code cmd} ({@code ./submit.sh ...}) with {@code --conf conf} before its other arguments. */
    private static String[] withConf(String[] cmd, String conf) {
        String[] with = new String[cmd.length + 2];
        with[0] = cmd[0];
        with[1] = "--conf";
        with[2] = conf;
        System.arraycopy(cmd, 1, with, 3, cmd.length - 1);
        return with;
    }

    /**
     * Runs {@code cmd}, and once its log shows a sixth of the iterations done, checks that both executors got the
     * JVM options of {@code spark.executor.extraJavaOptions} and the log configuration, then kills one with
     * {@code kill -9}. Returns the log of the run, which must succeed.
     */
    private static String trainLosingAnExecutor(Map<String, String> env, List<Path> workerPids, boolean withWorker,
                                                String[] cmd, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("SPARK_HOME");
        pb.environment().putAll(env);
        Process driver = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
            while (progress(Scripts.read(log)) < ITERATIONS / 6) {
                assertTrue(driver.isAlive() && System.nanoTime() < deadline, "training reaches a sixth: "
                        + Scripts.read(log));
                Thread.sleep(50);
            }
            List<ProcessHandle> executors = new ArrayList<>();
            for (Path worker : workerPids) {
                ProcessHandle.of(pid(worker)).orElseThrow().descendants()
                        .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                        .forEach(executors::add);
            }
            assertEquals(2, executors.size(), "one executor per worker");
            for (ProcessHandle h : executors) {
                String args = Files.readString(Path.of("/proc", Long.toString(h.pid()), "cmdline")).replace('\0', ' ');
                assertTrue(args.contains("-XX:+UseTransparentHugePages") && args.contains("-Dlog4j.configurationFile=")
                        && args.contains("--add-modules=jdk.incubator.vector"), "executor JVM options: " + args);
            }
            long at = progress(Scripts.read(log));
            if (withWorker) { // the first worker's executor: its worker goes first, so nothing replaces it
                ProcessHandle victim = executors.stream().filter(h -> h.parent().map(ProcessHandle::pid)
                        .orElse(-1L) == pidOrZero(workerPids.get(0))).findFirst().orElse(executors.get(0));
                new ProcessBuilder("kill", "-9", Long.toString(pidOrZero(workerPids.get(0)))).inheritIO().start()
                        .waitFor();
                new ProcessBuilder("kill", "-9", Long.toString(victim.pid())).inheritIO().start().waitFor();
            } else {
                new ProcessBuilder("kill", "-9", Long.toString(executors.get(0).pid())).inheritIO().start().waitFor();
            }
            assertTrue(driver.waitFor(600, TimeUnit.SECONDS), "driver finishes: " + Scripts.read(log));
            String text = Scripts.read(log);
            assertEquals(0, driver.exitValue(), text);
            String times = text.lines().filter(l -> l.contains("round time, median")).findFirst().orElse("(none)");
            System.out.printf("executor killed at iteration %d of %d: %s%n", at, ITERATIONS, times);
            return text;
        } finally {
            driver.descendants().forEach(ProcessHandle::destroyForcibly);
            driver.destroyForcibly();
        }
    }

    private static long progress(String log) {
        Matcher m = PROGRESS.matcher(log.replace(",", ""));
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    private static boolean hasExecutorDir(Path work) throws IOException {
        try (Stream<Path> apps = Files.list(work)) {
            return apps.anyMatch(p -> p.getFileName().toString().startsWith("app-"));
        }
    }

    private static long pidOrZero(Path file) {
        try {
            return pid(file);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static long pid(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).trim());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
