package dev.sparkmnist.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkmnist.checkpoint.CheckpointOptions;
import dev.sparkmnist.checkpoint.CheckpointStore;
import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.cli.Main;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.pipeline.TrainingJob;
import dev.sparkmnist.registry.ModelRegistry;
import dev.sparkmnist.registry.RegistryEvent;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.MiniHdfs;
import dev.sparkmnist.testing.Scripts;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;
import dev.sparkmnist.train.KeyedRandomSampler;
import dev.sparkmnist.train.LearningRateSchedule;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingListener;

/**
 * Every command on a real HDFS: a {@link MiniDFSCluster} (namenode and one datanode on 127.0.0.1, Hadoop 3.5.0 as
 * Spark 4.2's client), one for the whole class, tiny generated data. In this JVM on the shared Spark context with
 * {@code hdfs://127.0.0.1:PORT/...} paths: train, evaluate with {@code --metrics-out} and {@code --report-dir},
 * show, a crashed run resumed from an HDFS checkpoint, and the registry (two retrains at once, a stale lock). Then
 * through {@code ./submit.sh} in its own JVM with {@code hdfs:///...} paths, resolved once through
 * {@code --conf spark.hadoop.fs.defaultFS} and once through {@code HADOOP_CONF_DIR}.
 */
@Tag("multiprocess")
@Timeout(600)
class HdfsCommandsTest {
    private static MiniDFSCluster cluster;
    private static FileSystem fs;
    private static String hdfs;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startHdfs() throws Exception {
        cluster = MiniHdfs.start(tmp.resolve("hdfs"));
        hdfs = MiniHdfs.uri(cluster);
        fs = cluster.getFileSystem();
        Path local = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 600, 100, false, 3);
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path("/data"));
        SharedSpark.get();
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    @Test
    void trainEvaluateAndShowReadAndWriteHdfs() throws Exception {
        String model = hdfs + "/models/m";
        CliRun train = CliRun.of("train", "--data-dir", hdfs + "/data", "--out", model, "--hidden", "8",
                "--iterations", "30", "--partitions", "2", "--offline");
        assertEquals(0, train.exitCode(), train.stderr());
        assertEquals(784 * 8 + 8 + 80 + 10, ModelStore.load(model).network().parameters().length);

        CliRun eval = CliRun.of("evaluate", "--model", model, "--data-dir", hdfs + "/data", "--metrics-out",
                hdfs + "/eval/metrics.json", "--report-dir", hdfs + "/eval/report");
        assertEquals(0, eval.exitCode(), eval.stderr());
        JsonNode metrics = Json.MAPPER.readTree(read("/eval/metrics.json"));
        assertTrue(metrics.toString().contains("ccuracy"), metrics.toString());
        assertTrue(new String(read("/eval/report/report.html"), StandardCharsets.UTF_8).contains("<html"));
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/eval/report/confusion.png")));

        CliRun show = CliRun.of("show", "--data-dir", hdfs + "/data", "--out", hdfs + "/pics/grid.png", "--count",
                "9");
        assertEquals(0, show.exitCode(), show.stderr());
        assertPng(read("/pics/grid.png"));
        assertFalse(Files.exists(Path.of("hdfs:")), "nothing written to a local folder named hdfs:");
        assertNoTemporaries("/eval");
    }

    @Test
    void crashedRunResumesFromAnHdfsCheckpointBitForBit() throws Exception {
        String straight = hdfs + "/ckpt/straight";
        String resumed = hdfs + "/ckpt/resumed";
        assertEquals(0, CliRun.of(checkpointedTrain(straight)).exitCode());
        TrainingListener crash = (state, stats) -> {
            if (state.globalStep() >= 25) {
                throw new IllegalStateException("injected crash at iteration " + state.globalStep());
            }
        };
        TrainingConfig config = new TrainingConfig(8, 5, dev.sparkmnist.data.InputScaling.of(dev.sparkmnist.pipeline.Presets.DEFAULT.scaling()), 2, 100,
                List.of(new PhaseConfig(20, 24, 0.01, 0.002, 0.9, 4, LearningRateSchedule.COSINE),
                        new PhaseConfig(10, 24, 0.003, 0.002, 0.5, 1, LearningRateSchedule.COSINE)));
        RuntimeException e = assertThrows(RuntimeException.class, () -> TrainingJob.run(SharedSpark.get(),
                new TrainingJob.Spec(hdfs + "/data", resumed, config, null, new KeyedRandomSampler()),
                List.of(crash), new CheckpointOptions(null, 10, 0, 2, false)));
        assertTrue(e.getMessage().contains("injected crash"), e.getMessage());
        assertFalse(new CheckpointStore(resumed + ".checkpoints", 2).steps().isEmpty(), "checkpoints on HDFS");

        CliRun resume = CliRun.of(checkpointedTrain(resumed, "--resume"));
        assertEquals(0, resume.exitCode(), resume.stderr());
        assertArrayEquals(ModelStore.load(straight).network().parameters(),
                ModelStore.load(resumed).network().parameters(), 0.0, "resumed = straight, bit for bit");
        assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/ckpt/resumed.checkpoints")), "removed once published");
    }

    private static String[] checkpointedTrain(String out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data-dir", hdfs + "/data", "--out", out, "--hidden", "8",
                "--partitions", "2", "--seed", "5", "--log-every", "100", "--offline",
                "--phase", "iterations=20,batch-size=24,lr=0.01,momentum=0.9,local-steps=4,schedule=cosine",
                "--phase", "iterations=10,batch-size=24,lr=0.003,momentum=0.5,local-steps=1",
                "--checkpoint-every", "10", "--keep-checkpoints", "2",
                // the heavy-ball, one-hot, with-replacement training of the config built in the test
                "--no-nesterov", "--label-smoothing", "0", "--sampling", "replacement"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void registryOnHdfsPublishesOnceAndBreaksAStaleLock() throws Exception {
        String reg = hdfs + "/registry";
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Integer> codes = new ArrayList<>();
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(pool.submit(() -> {
                    together.await();
                    return Main.run(retrain(reg));
                }));
            }
            for (Future<Integer> f : runs) {
                codes.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        codes.sort(null);
        assertEquals(List.of(ExitCodes.OK, ExitCodes.REGISTRY_BUSY), codes, "one publishes, the other is busy");
        ModelRegistry r = ModelRegistry.open(reg);
        assertEquals(1, r.current());

        try (var out = fs.create(new org.apache.hadoop.fs.Path("/registry/lock"), true)) {
            out.write(("{\"runId\":\"dead\",\"owner\":\"crashed retrain\",\"host\":\"h1\",\"pid\":7,\"acquiredAt\":"
                    + "\"2020-01-01T00:00:00Z\",\"expiresAt\":\"2020-01-01T01:00:00Z\"}").getBytes(
                            StandardCharsets.UTF_8));
        }
        List<String> forced = new ArrayList<>(List.of(retrain(reg)));
        forced.add("--force");
        assertEquals(ExitCodes.OK, Main.run(forced.toArray(String[]::new)));
        assertEquals(2, r.current());
        List<String> types = r.events().stream().map(RegistryEvent::type).toList();
        assertTrue(types.contains("break-lock"), types.toString());
        assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/registry/lock")), "lock released");
    }

    private static String[] retrain(String reg) {
        return new String[] {"retrain", "--registry", reg, "--data-dir", hdfs + "/data", "--hidden", "8",
            "--iterations", "20", "--batch-size", "64", "--partitions", "2", "--log-every", "1000",
            "--min-accuracy", "0.3", "--max-drop", "0.5"};
    }

    /**
     * {@code hdfs:///} paths through {@code submit.sh}, in JVMs of their own: the default file system named once by
     * {@code --conf spark.hadoop.fs.defaultFS} (train) and once by a {@code core-site.xml} in {@code HADOOP_CONF_DIR}
     * (retrain, and {@code show}, which runs without a Spark context).
     */
    @Test
    void hdfsTripleSlashPathsResolveThroughSparkHadoopConfAndHadoopConfDir() throws Exception {
        Path jar = Scripts.appJar(tmp.resolve("app.jar"));
        Map<String, String> env = Map.of("SPARK_MNIST_APP_JAR", jar.toString(), "SPARK_MNIST_DRIVER_MEMORY", "1g");
        String viaConf = "spark.hadoop.fs.defaultFS=" + hdfs;
        long t0 = System.nanoTime();
        Path log = tmp.resolve("conf-train.log");
        assertEquals(0, Scripts.run(env, log, 300, "./submit.sh", "--conf", viaConf, "train", "--data-dir",
                "hdfs:///data", "--out", "hdfs:///viaconf/model", "--hidden", "8", "--iterations", "20",
                "--partitions", "2", "--offline"), Scripts.read(log));
        assertTrue(Scripts.read(log).contains("plain java branch"), Scripts.read(log));
        assertEquals(784 * 8 + 8 + 80 + 10, ModelStore.load(hdfs + "/viaconf/model").network().parameters().length);
        Path confDir = Files.createDirectories(tmp.resolve("hadoop-conf"));
        Files.writeString(confDir.resolve("core-site.xml"), "<?xml version=\"1.0\"?>\n<configuration>\n"
                + "  <property><name>fs.defaultFS</name><value>" + hdfs + "</value></property>\n</configuration>\n");
        Map<String, String> withConfDir = new java.util.HashMap<>(env);
        withConfDir.put("HADOOP_CONF_DIR", confDir.toString());
        log = tmp.resolve("env-retrain.log");
        assertEquals(ExitCodes.OK, Scripts.run(withConfDir, log, 300, "./submit.sh", "retrain", "--registry",
                "hdfs:///viaenv/registry", "--data-dir", "hdfs:///data", "--hidden", "8", "--iterations", "20",
                "--partitions", "2", "--min-accuracy", "0.3"), Scripts.read(log));
        assertEquals(1, ModelRegistry.open(hdfs + "/viaenv/registry").current());
        log = tmp.resolve("env-show.log");
        assertEquals(0, Scripts.run(withConfDir, log, 120, "./submit.sh", "show", "--data-dir", "hdfs:///data",
                "--out", "hdfs:///viaenv/grid.png", "--count", "4"), Scripts.read(log));
        assertPng(read("/viaenv/grid.png"));

        System.out.printf("three submit.sh runs on hdfs:/// paths: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static byte[] read(String path) throws IOException {
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private static void assertPng(byte[] bytes) {
        assertNotNull(bytes);
        assertTrue(bytes.length > 8 && (bytes[1] & 0xff) == 'P' && bytes[2] == 'N' && bytes[3] == 'G',
                "a PNG file");
    }

    private static void assertNoTemporaries(String dir) throws IOException {
        var it = fs.listFiles(new org.apache.hadoop.fs.Path(dir), true);
        while (it.hasNext()) {
            String name = it.next().getPath().getName();
            assertFalse(name.startsWith("."), "temporary left behind: " + name);
        }
    }
}
