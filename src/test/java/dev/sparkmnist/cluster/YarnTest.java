package dev.sparkmnist.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.testing.MiniHdfs;
import dev.sparkmnist.testing.Scripts;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * spark-mnist on YARN as users run it (issue 29): a {@link MiniYARNCluster} (resource manager and one node manager,
 * whose containers are real JVMs) and a {@link MiniDFSCluster} from {@code hadoop-client-minicluster} 3.5.0, the
 * Hadoop client Spark 4.2 ships; a Spark home made of the Maven jars plus launcher scripts, and {@code ./submit.sh}
 * with {@code HADOOP_CONF_DIR} pointing at the mini clusters. Spark's jars go up to HDFS once, as
 * {@code spark.yarn.archive}. The runs, in order:
 * <ol>
 *   <li>{@code train} in client mode: SUCCEEDED, one attempt, the model and {@code metrics.json} on HDFS; then
 *       {@code predict} to parquet on HDFS, without Spark's "Using an existing SparkContext" warning;</li>
 *   <li>{@code train} in cluster mode: the same, the accuracy lines in the ApplicationMaster's log (before the fix
 *       {@code System.exit} made every such run FAILED and retried);</li>
 *   <li>a failing cluster-mode run (no data): FAILED, one attempt, the reason in the diagnostics and the log,
 *       spark-submit's exit code non-zero;</li>
 *   <li>{@code retrain} in cluster mode with {@code --status-file}: SUCCEEDED, and the scheduler's line
 *       {@code exit=0 outcome=OK} on HDFS; then the same retrain again (from scratch, so the same data,
 *       configuration and parent): nothing to do, FAILED for YARN and spark-submit, and
 *       {@code exit=99 outcome=NOTHING_TO_DO} in the status file, the code a scheduler acts on.</li>
 * </ol>
 * In CI's second pass ({@code .ci/run}); excluded from the plain {@code mvn -B test} by its tag.
 */
@Tag("yarn")
@Timeout(900)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnTest {
    private static final String NAME = "spark-mnist-yarn-test";
    private static MiniDFSCluster dfs;
    private static MiniYARNCluster yarn;
    private static YarnClient client;
    private static FileSystem fs;
    private static String hdfs;
    private static Map<String, String> env;
    private static Path logDir;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startClusters() throws Exception {
        try (Stream<Path> jars = Files.list(Path.of("target", "spark-home", "jars"))) {
            Assumptions.assumeTrue(jars.anyMatch(j -> j.getFileName().toString().startsWith("spark-yarn_")),
                    "YarnTest skipped: no spark-yarn jar in target/spark-home/jars (built with -Dno.spark.yarn?)");
        }
        long t0 = System.nanoTime();
        dfs = MiniHdfs.start(tmp.resolve("hdfs"));
        fs = dfs.getFileSystem();
        hdfs = MiniHdfs.uri(dfs);

        YarnConfiguration yc = new YarnConfiguration();
        yc.set("fs.defaultFS", hdfs);
        // Without this key the mini cluster forces 4096 MB whatever yarn.nodemanager.resource.memory-mb says.
        yc.setInt("yarn.minicluster.yarn.nodemanager.resource.memory-mb", 6144);
        yc.setInt(YarnConfiguration.NM_VCORES, 8);
        yc.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
        yc.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        yc.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        yc.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100f);
        yc.setBoolean(YarnConfiguration.YARN_MINICLUSTER_FIXED_PORTS, false);
        // The capacity scheduler's queues (no capacity-scheduler.xml on this class path): one queue, and room for
        // ApplicationMasters beyond the default 10% of the cluster.
        yc.set("yarn.scheduler.capacity.root.queues", "default");
        yc.set("yarn.scheduler.capacity.root.default.capacity", "100");
        yc.set("yarn.scheduler.capacity.maximum-am-resource-percent", "1.0");
        yarn = new MiniYARNCluster(NAME, 1, 1, 1);
        yarn.init(yc);
        yarn.start();
        Configuration live = yarn.getConfig();
        logDir = yarn.getTestWorkDir().toPath();
        client = YarnClient.createYarnClient();
        client.init(live);
        client.start();

        // HADOOP_CONF_DIR for spark-submit and the driver, as a cluster's client configuration: the default file
        // system and the resource manager's addresses (the mini clusters' own settings name test-only classes).
        Path confDir = Files.createDirectories(tmp.resolve("hadoop-conf"));
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", hdfs);
        Configuration site = new Configuration(false);
        for (Map.Entry<String, String> e : live) {
            if (e.getKey().startsWith("yarn.resourcemanager.") && e.getKey().endsWith("address")) {
                site.set(e.getKey(), e.getValue());
            }
        }
        try (OutputStream out = Files.newOutputStream(confDir.resolve("core-site.xml"))) {
            core.writeXml(out);
        }
        try (OutputStream out = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
            site.writeXml(out);
        }
        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 600, 100, false, 3);
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(data.toUri()), new org.apache.hadoop.fs.Path("/data"));
        // Spark's jars, once, as spark.yarn.archive: otherwise every submit uploads them again.
        Path archive = sparkArchive(tmp.resolve("spark-libs.zip"));
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(archive.toUri()),
                new org.apache.hadoop.fs.Path("/spark/spark-libs.zip"));

        env = new HashMap<>();
        env.put("SPARK_HOME", Scripts.sparkHomeWithLauncher(tmp.resolve("spark-home")).toString());
        env.put("HADOOP_CONF_DIR", confDir.toString());
        env.put("SPARK_MNIST_APP_JAR", Scripts.appJar(tmp.resolve("app.jar")).toString());
        System.out.printf("yarn test: clusters up, archive on HDFS in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void stopClusters() {
        if (client != null) {
            client.stop();
        }
        if (yarn != null) {
            yarn.stop();
            // its logs and localized archive (over a GB after a run) under target/
            try (Stream<Path> all = Files.walk(yarn.getTestWorkDir().toPath())) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.out.println("yarn test: could not delete " + yarn.getTestWorkDir() + ": " + e);
            }
        }
        if (dfs != null) {
            dfs.shutdown();
        }
    }

    @Test
    @Order(1)
    void trainAndPredictInClientMode() throws Exception {
        Submitted run = submit("train-client", "--deploy-mode", "client", "--num-executors", "2", "train",
                "--data-dir", "hdfs:///data", "--out", "hdfs:///models/client", "--hidden", "8", "--iterations",
                "30", "--partitions", "2", "--offline");
        assertEquals(0, run.exitCode, run.log);
        run.assertOneAttempt(FinalApplicationStatus.SUCCEEDED);
        assertTrue(run.log.contains("accuracy"), "the accuracy lines in spark-submit's output:\n" + run.log);
        assertModel("/models/client");

        Submitted predict = submit("predict-client", "predict", "--model", "hdfs:///models/client", "--images",
                "hdfs:///data/t10k-images-idx3-ubyte", "--labels", "hdfs:///data/t10k-labels-idx1-ubyte", "--out",
                "hdfs:///scores/client");
        assertEquals(0, predict.exitCode, predict.log);
        predict.assertOneAttempt(FinalApplicationStatus.SUCCEEDED);
        assertTrue(predict.log.contains("accuracy:"), predict.log);
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/scores/client/_SUCCESS")), "parquet on HDFS");
        assertTrue(!predict.log.contains("Using an existing SparkContext"), predict.log);
    }

    @Test
    @Order(2)
    void trainInClusterModeSucceedsOnTheFirstAttempt() throws Exception {
        Submitted run = submit("train-cluster", "--deploy-mode", "cluster", "train", "--data-dir", "hdfs:///data",
                "--out", "hdfs:///models/cluster", "--hidden", "8", "--iterations", "30", "--partitions", "2",
                "--offline");
        assertEquals(0, run.exitCode, run.log);
        run.assertOneAttempt(FinalApplicationStatus.SUCCEEDED);
        assertModel("/models/cluster");
        String am = run.amLog();
        assertTrue(am.contains("model: hdfs:///models/cluster") || am.contains("models/cluster"), am);
        assertTrue(am.contains("accuracy"), "the accuracy lines are in the ApplicationMaster's log:\n" + am);
        // The settings files came with --files: the shipped log4j2.properties, not Spark's default profile.
        assertTrue(!am.contains("Using Spark's default log4j profile"), am);
    }

    @Test
    @Order(3)
    void aFailingClusterRunIsFailedOnceWithItsReason() throws Exception {
        Submitted run = submit("train-failing", "--deploy-mode", "cluster", "train", "--data-dir",
                "hdfs:///no-data", "--out", "hdfs:///models/never", "--offline");
        assertNotEquals(0, run.exitCode, run.log);
        ApplicationReport report = run.assertOneAttempt(FinalApplicationStatus.FAILED);
        assertTrue(report.getDiagnostics().contains("exit code 2 (BAD_INPUT)"), report.getDiagnostics());
        String am = run.amLog();
        assertTrue(am.contains("no-data lacks train-images-idx3-ubyte"), "the reason, in the driver's log:\n" + am);
        assertTrue(!fs.exists(new org.apache.hadoop.fs.Path("/models/never")), "nothing written");
    }

    @Test
    @Order(4)
    void retrainInClusterModeTellsTheSchedulerThroughTheStatusFile() throws Exception {
        String[] retrain = {"--deploy-mode", "cluster", "retrain", "--registry", "hdfs:///registry", "--data-dir",
                "hdfs:///data", "--hidden", "8", "--iterations", "30", "--partitions", "2", "--min-accuracy", "0.3",
                "--from-scratch", "--status-file", "hdfs:///status/retrain.status"};
        Submitted first = submit("retrain-1", retrain);
        assertEquals(0, first.exitCode, first.log);
        first.assertOneAttempt(FinalApplicationStatus.SUCCEEDED);
        assertTrue(status().startsWith("exit=0 outcome=OK command=retrain "), status());

        Submitted again = submit("retrain-2", retrain);
        assertNotEquals(0, again.exitCode, "spark-submit only knows the application FAILED: " + again.log);
        again.assertOneAttempt(FinalApplicationStatus.FAILED);
        assertTrue(status().startsWith("exit=99 outcome=NOTHING_TO_DO command=retrain "), status());
    }

    private static String status() throws IOException {
        try (var in = fs.open(new org.apache.hadoop.fs.Path("/status/retrain.status"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertModel(String dir) throws IOException {
        for (String file : new String[] {"metrics.json", "model.json"}) {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir, file);
            assertTrue(fs.exists(p), p + " on HDFS");
        }
    }

    /** Runs {@code ./submit.sh --master yarn} with small containers and the archive, named {@code name}. */
    private static Submitted submit(String name, String... args) throws Exception {
        String java = System.getProperty("java.home");
        List<String> cmd = new java.util.ArrayList<>(List.of("./submit.sh", "--master", "yarn", "--name",
                NAME + "-" + name, "--driver-memory", "768m", "--executor-memory", "768m", "--num-executors", "1",
                "--conf", "spark.yarn.archive=" + hdfs + "/spark/spark-libs.zip",
                "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + java,
                "--conf", "spark.executorEnv.JAVA_HOME=" + java,
                "--conf", "spark.executor.memoryOverhead=256m",
                "--conf", "spark.driver.memoryOverhead=256m"));
        // a --num-executors in args comes later and wins, as in spark-submit
        cmd.addAll(List.of(args));
        Path log = tmp.resolve(name + ".log");
        long t0 = System.nanoTime();
        int code = Scripts.run(env, log, 600, cmd.toArray(String[]::new));
        System.out.printf("yarn test: %s exit %d in %.1f s%n", name, code, (System.nanoTime() - t0) / 1e9);
        return new Submitted(NAME + "-" + name, code, Scripts.read(log));
    }

    /** A finished submission: spark-submit's exit code and output, and the application YARN ran for it. */
    private record Submitted(String appName, int exitCode, String log) {
        ApplicationReport report() throws Exception {
            List<ApplicationReport> apps = client.getApplications().stream()
                    .filter(a -> a.getName().equals(appName)).toList();
            assertEquals(1, apps.size(), "one application named " + appName + "; log:\n" + log);
            return apps.get(0);
        }

        ApplicationReport assertOneAttempt(FinalApplicationStatus expected) throws Exception {
            ApplicationReport report = report();
            assertEquals(expected, report.getFinalApplicationStatus(), report.getDiagnostics() + "\n" + log);
            assertEquals(1, client.getApplicationAttempts(report.getApplicationId()).size(),
                    "one attempt, no retry; log:\n" + log);
            return report;
        }

        /** The ApplicationMaster's stdout and stderr (in cluster mode: the driver's). */
        String amLog() throws Exception {
            String app = report().getApplicationId().toString();
            String container = app.replace("application_", "container_") + "_01_000001";
            try (Stream<Path> files = Files.walk(logDir)) {
                List<Path> logs = files.filter(p -> p.getParent() != null
                        && p.getParent().getFileName().toString().equals(container)
                        && (p.getFileName().toString().equals("stdout") || p.getFileName().toString().equals("stderr")))
                        .toList();
                assertTrue(!logs.isEmpty(), "no log of " + container + " under " + logDir);
                return logs.stream().map(Scripts::read).collect(Collectors.joining("\n"));
            }
        }
    }

    /** Spark's jars (the Spark home's jars folder) in one zip, stored rather than compressed: jars are zips. */
    private static Path sparkArchive(Path zip) throws IOException {
        Path jars = Path.of("target", "spark-home", "jars");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
             Stream<Path> all = Files.list(jars)) {
            out.setLevel(Deflater.NO_COMPRESSION);
            for (Path jar : (Iterable<Path>) all.filter(p -> p.toString().endsWith(".jar")).sorted()::iterator) {
                out.putNextEntry(new ZipEntry(jar.getFileName().toString()));
                Files.copy(jar, out);
                out.closeEntry();
            }
        }
        return zip;
    }
}
