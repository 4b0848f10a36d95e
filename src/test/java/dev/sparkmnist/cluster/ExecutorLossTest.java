package dev.sparkmnist.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.testing.ChildJvm;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * Executor loss on a real multi-process cluster: Spark's {@code local-cluster[2,1,1024]} master runs a standalone
 * master and worker inside the driver JVM and each executor in its own JVM. The driver ({@link ExecutorLossDriver},
 * a child JVM of this test) trains the same configuration twice; during the second run, a third of the way in, the
 * test kills one executor JVM with {@code kill -9}. Spark re-runs the lost tasks on the other executor
 * (drawing the same keyed batches), rebuilds the lost cached blocks from the IDX files and the worker starts a
 * replacement executor. The run must finish with exactly the weights of the undisturbed run. It runs once per
 * engine: the job-per-round engine re-runs the lost tasks; the collective engine's barrier stage fails as a whole
 * and the engine starts it again from the newest snapshot, on the executors there are then.
 *
 * <p>Finding the executor's PID: executors are child processes of the worker, which in {@code local-cluster}
 * lives inside the driver JVM; so they are the descendants of the driver's process
 * ({@link ProcessHandle#descendants}) whose command line runs
 * {@code org.apache.spark.executor.CoarseGrainedExecutorBackend}.
 */
@Tag("multiprocess")
@Timeout(900)
class ExecutorLossTest {
    private static final long ITERATIONS = 160;
    /**
     * The collective engine runs the whole phase in one stage at a few milliseconds a step: 160 steps were over in
     * 0.7 s on CI, and the kill, sent a third of the way in, landed after the stage had finished (no restart to
     * see). A test hook that changes no arithmetic makes each of its rounds sleep 50 ms first, which leaves at least
     * 2.6 s of stage after the kill (53 rounds of 2 local steps; 5.3 s on the synchronous float path), however fast
     * the machine and however late the driver publishes its progress (at most 0.5 s behind here).
     */
    private static final String SLOW_ROUNDS_MS = "50";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "engine {0}")
    @ValueSource(strings = {"job", "collective", "collective-float"})
    void runSurvivesAnExecutorKilledMidTrainingWithIdenticalWeights(String variant) throws Exception {
        // collective-float: synchronous float gradients, the update sharded over the two executor JVMs
        String engine = variant.startsWith("collective") ? "collective" : "job";
        String plan = variant.endsWith("float") ? "float" : "bmuf";
        long iterations = ITERATIONS;
        long killAt = iterations / 3;
        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 1000, 100, false, 5);
        Path work = Files.createDirectory(tmp.resolve("work"));
        Path sparkHome = ChildJvm.sparkHome(tmp.resolve("spark-home"));
        Map<String, String> props = Map.of(
                "spark.sparkmnist.test.roundMillis", SLOW_ROUNDS_MS,
                "spark.master", "local-cluster[2,1,1024]",
                "spark.executor.extraClassPath", ChildJvm.appClasses(),
                "spark.ui.enabled", "false",
                "spark.sparkmnist.engine", engine,
                "spark.driver.host", "127.0.0.1",
                "spark.driver.bindAddress", "127.0.0.1",
                "spark.executorEnv.OPENBLAS_NUM_THREADS", "1",
                "log4j.configurationFile", Path.of("conf/log4j2.properties").toAbsolutePath().toString());
        Path progress = work.resolve("progress-disturbed");
        long killedPid;
        long killedAtStep;
        double nextRoundSeconds;
        String driverLog;
        try (ChildJvm driver = ChildJvm.start(tmp.resolve("driver.log"), props,
                Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_LOCAL_IP", "127.0.0.1"),
                ExecutorLossDriver.class.getName(), data.toString(), work.toString(), Long.toString(iterations),
                plan)) {
            assertTrue(driver.awaitCondition(() -> step(progress) >= killAt, 600),
                    "second run should reach iteration " + killAt + "; log:\n" + driver.tail());
            List<ProcessHandle> executors = executors(driver.process());
            assertEquals(2, executors.size(), "two executor JVMs; log:\n" + driver.tail());
            ProcessHandle victim = executors.get(0);
            killedAtStep = step(progress);
            killedPid = victim.pid();
            long killTime = System.nanoTime();
            new ProcessBuilder("kill", "-9", Long.toString(killedPid)).inheritIO().start().waitFor();
            assertTrue(victim.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS) != null);
            long stepAtKill = step(progress);
            // (the collective engine may finish the rest before the victim's exit is even seen here)
            assertTrue(driver.awaitCondition(() -> step(progress) > stepAtKill || step(progress) == iterations, 600),
                    driver.tail());
            nextRoundSeconds = (System.nanoTime() - killTime) / 1e9;
            assertEquals(0, driver.waitFor(600), "driver finishes despite the lost executor; log:\n" + driver.tail());
            assertTrue(step(progress) == iterations, "the disturbed run completed");
            assertNotEquals(killedPid, executors(driver.process()).stream().mapToLong(ProcessHandle::pid)
                    .findFirst().orElse(-1), "the killed executor is gone");
            String log = Files.readString(driver.log());
            driverLog = log;
            assertTrue(log.contains("Lost executor") || log.contains("lost executor") || log.contains("exited"),
                    "Spark noticed the loss; log:\n" + driver.tail());
            assertTrue(log.contains("engine: " + (engine.equals("job") ? "job per round" : "collective")),
                    "the forced engine ran; log:\n" + driver.tail());
            if (plan.equals("float")) {
                assertTrue(log.contains("local steps 1,"), "synchronous float steps; log:\n" + driver.tail());
            }
            if (engine.equals("collective")) {
                assertTrue(log.contains("collective stage failed") && log.contains("starting it again from iteration"),
                        "the engine restarted the stage from its snapshot (killed at step " + killedAtStep + " of "
                                + iterations + "; if the stage had already ended, the kill came too late); log:\n"
                                + driver.tail());
            }
        }
        double[] a = ModelStore.load(work.resolve("undisturbed").toString()).network().parameters();
        double[] b = ModelStore.load(work.resolve("disturbed").toString()).network().parameters();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        Properties undisturbed = load(work.resolve("run-undisturbed.txt"));
        Properties disturbed = load(work.resolve("run-disturbed.txt"));
        System.out.printf("executor (pid %d) killed at iteration %d of %d: max |weight difference| vs undisturbed = "
                        + "%s; training %s s vs %s s undisturbed; longest pause between rounds %s s vs %s s%n",
                killedPid, killedAtStep, iterations, max, disturbed.getProperty("trainingSeconds"),
                undisturbed.getProperty("trainingSeconds"), disturbed.getProperty("longestRoundSeconds"),
                undisturbed.getProperty("longestRoundSeconds"));
        System.out.printf("after the kill: first round done %.2f s later; %d lost-task and %d lost-executor log lines%n",
                nextRoundSeconds, driverLog.split("Lost task", -1).length - 1,
                driverLog.split("Lost executor", -1).length - 1);
        assertFalse(Double.isNaN(max));
        assertArrayEquals(a, b, 0.0, "identical weights after executor loss");
    }

    /** Executor JVMs: descendants of the driver running CoarseGrainedExecutorBackend (see the class comment). */
    static List<ProcessHandle> executors(Process driver) {
        return driver.descendants()
                .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                .toList();
    }

    private static long step(Path progress) {
        try {
            return Long.parseLong(Files.readString(progress).trim());
        } catch (Exception e) {
            return -1;
        }
    }

    private static Properties load(Path p) throws Exception {
        Properties props = new Properties();
        props.load(new StringReader(Files.readString(p)));
        return props;
    }
}
