package dev.sparkmnist.cluster;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * The standalone cluster scripts: {@code cluster/start-cluster.sh} starts a master and a worker on 127.0.0.1
 * (REST submission server off, authentication on, secret files private), {@code ./submit.sh --master
 * spark://127.0.0.1:PORT train ...} trains on it, and {@code cluster/stop-cluster.sh} stops exactly the processes
 * the start script started: an unrelated process started beforehand survives.
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
                "SPARK_MNIST_WORKER_CORES", "2", "SPARK_MNIST_APP_JAR", jar.toString(),
                "SPARK_MNIST_DRIVER_MEMORY", "1g");
        Process decoy = new ProcessBuilder("sleep", "900").start();
        List<Long> started = new ArrayList<>();
        try {
            assertEquals(0, Scripts.run(env, tmp.resolve("start.log"), 300, "cluster/start-cluster.sh"),
                    "start-cluster.sh; log: " + Scripts.read(tmp.resolve("start.log")));
            started.add(pid(state.resolve("master.pid")));
            started.add(pid(state.resolve("worker-1.pid")));
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

            Path model = tmp.resolve("model");
            int submitted = Scripts.run(env, tmp.resolve("submit.log"), 600, "./submit.sh", "--master",
                    "spark://127.0.0.1:" + port, "train", "--data-dir", data.toString(), "--out", model.toString(),
                    "--hidden", "8", "--iterations", "40", "--partitions", "2");
            assertEquals(0, submitted, "submit.sh; log: " + Scripts.read(tmp.resolve("submit.log")));
            assertEquals(784 * 8 + 8 + 80 + 10, ModelStore.load(model.toString()).network().parameters().length);
            assertTrue(Files.exists(state.resolve("work-1")) && hasExecutorDir(state.resolve("work-1")),
                    "the job ran on the cluster's executors");

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

    private static boolean hasExecutorDir(Path work) throws IOException {
        try (Stream<Path> apps = Files.list(work)) {
            return apps.anyMatch(p -> p.getFileName().toString().startsWith("app-"));
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
