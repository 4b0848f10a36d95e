package dev.sparkmnist.committee;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.export.OnnxExport;
import dev.sparkmnist.export.OrtScorer;
import dev.sparkmnist.export.Precision;
import dev.sparkmnist.idx.IdxHeader;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.ml.IdxFrames;
import dev.sparkmnist.ml.MnistMlpClassificationModel;
import dev.sparkmnist.model.Combination;
import dev.sparkmnist.model.CommitteeStore;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelFormatException;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedCommittee;
import dev.sparkmnist.registry.ModelRegistry;
import dev.sparkmnist.registry.VersionStatus;
import dev.sparkmnist.testing.ChildJvm;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * A committee trained on small generated digits: each member is bit for bit the network {@code train --partitions
 * 1} trains with its seed; a member whose task fails once (test hook) resumes its own checkpoint and ends the same;
 * the directory reads as a committee (and refuses to pass for a single network), and evaluate, the Spark ML model
 * and the ONNX export (checked with ONNX Runtime) all score with the combined probabilities.
 */
class CommitteeTest {
    /** best's distortions on a 784-16-10 network, 96 iterations of batch 32: three rounds of 32 local steps. */
    private static final String[] SMALL = {"--preset", "best", "--hidden", "16", "--iterations", "96",
        "--batch-size", "32", "--offline"};

    @TempDir
    static Path tmp;
    static Path data;
    static Path committee;

    @BeforeAll
    static void trainCommittee() throws Exception {
        data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 600, 200, false, 5);
        committee = tmp.resolve("committee");
        assertEquals(0, train("--committee", "2", "--out", committee.toString()).exitCode());
    }

    private static CliRun train(String... args) {
        List<String> all = new ArrayList<>(List.of("train", "--data-dir", data.toString()));
        all.addAll(List.of(SMALL));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void eachMemberIsTheSingleNetworkOfItsSeedOnOnePartitionBitForBit() throws Exception {
        SavedCommittee c = CommitteeStore.load(committee.toString());
        assertEquals(2, c.members().size());
        for (int i = 0; i < 2; i++) {
            long seed = 42 + i;
            assertEquals(seed, c.info().members().get(i).seed());
            Path single = tmp.resolve("single-" + seed);
            assertEquals(0, train("--partitions", "1", "--seed", Long.toString(seed), "--out", single.toString())
                    .exitCode());
            assertArrayEquals(ModelStore.load(single.toString()).network().parameters(),
                    c.members().get(i).network().parameters(), "member " + i);
        }
        assertTrue(!java.util.Arrays.equals(c.members().get(0).network().parameters(),
                c.members().get(1).network().parameters()), "members differ");
    }

    @Test
    void aMemberWhoseTaskFailsOnceResumesItsCheckpointAndEndsTheSame() throws Exception {
        Path again = tmp.resolve("retried");
        Map<String, String> props = Map.of(
                "spark.master", "local[2,2]", // two attempts per task
                CommitteeJob.FAIL_ONCE_PROPERTY, "1@64",
                "spark.ui.enabled", "false",
                "spark.driver.host", "127.0.0.1",
                "spark.driver.bindAddress", "127.0.0.1",
                "log4j.configurationFile", Path.of("conf/log4j2.properties").toAbsolutePath().toString());
        List<String> args = new ArrayList<>(List.of("train", "--data-dir", data.toString()));
        args.addAll(List.of(SMALL));
        args.addAll(List.of("--committee", "2", "--checkpoint-every", "32", "--out", again.toString()));
        try (ChildJvm driver = ChildJvm.start(tmp.resolve("retried.log"), props, Map.of(),
                "dev.sparkmnist.cli.Main", args.toArray(String[]::new))) {
            assertEquals(0, driver.waitFor(300), "the committee ends despite the failed task; log:\n" + driver.tail());
            String log = Files.readString(driver.log());
            assertTrue(log.contains("test hook: committee member 1 fails its first attempt at iteration 64"),
                    driver.tail());
            assertTrue(log.contains("committee member 1 (") && log.contains("attempt 1: resuming at iteration 64"),
                    "the retried task resumed member 1's checkpoint; log:\n" + driver.tail());
        }
        SavedCommittee reference = CommitteeStore.load(committee.toString());
        SavedCommittee retried = CommitteeStore.load(again.toString());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(reference.members().get(i).network().parameters(),
                    retried.members().get(i).network().parameters(), "member " + i);
        }
        assertEquals(1, retried.info().members().get(0).attempts());
        assertEquals(2, retried.info().members().get(1).attempts());
        assertTrue(!Files.exists(tmp.resolve("retried.checkpoints")), "checkpoints removed once the model is saved");
    }

    @Test
    void theDirectoryIsACommitteeWithItsCombinationChosenOnTheTrainingSet() throws Exception {
        JsonNode json = Json.MAPPER.readTree(committee.resolve("model.json").toFile());
        JsonNode entry = json.get("committee");
        Combination chosen = Combination.parse(entry.get("combination").asText());
        JsonNode measured = entry.get("measured");
        double byProbability = measured.get("mean-probability").get("train").asDouble();
        double byLog = measured.get("mean-log-probability").get("train").asDouble();
        assertEquals(byLog > byProbability ? Combination.MEAN_LOG_PROBABILITY : Combination.MEAN_PROBABILITY, chosen);
        assertEquals(measured.get(chosen.word()).get("test").asDouble(),
                json.get("metrics").get("testAccuracy").asDouble(), 0.0);
        String report = Files.readString(committee.resolve("report.html"));
        assertTrue(report.contains("2 networks, probabilities combined by " + chosen.word()), "the report names the "
                + "committee and each member's accuracy");
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelStore.load(committee.toString()));
        assertTrue(e.getMessage().contains("committee"), e.getMessage());
        ModelStore.load(committee.resolve("member-0").toString()); // each member is a model directory of its own
        SavedCommittee single = CommitteeStore.load(committee.resolve("member-0").toString());
        assertTrue(!single.isCommittee() && single.members().size() == 1);
        CliRun zero = train("--committee", "0", "--out", tmp.resolve("none").toString());
        assertEquals(2, zero.exitCode());
        assertTrue(zero.stderr().contains("--committee must be 1..1000 members, got 0"), zero.stderr());
        CliRun continued = train("--committee", "2", "--init-from", committee.resolve("member-0").toString(), "--out",
                tmp.resolve("none").toString());
        assertEquals(2, continued.exitCode());
        assertTrue(continued.stderr().contains("--init-from continues one network"), continued.stderr());
    }

    @Test
    void evaluateSparkMlAndOnnxRuntimeScoreWithTheCombinedProbabilities() throws Exception {
        SavedCommittee c = CommitteeStore.load(committee.toString());
        double recorded = ((Number) c.metadata().metrics().get("testAccuracy")).doubleValue();
        Path metrics = tmp.resolve("evaluated.json");
        assertEquals(0, CliRun.of("evaluate", "--model", committee.toString(), "--data-dir", data.toString(),
                "--metrics-out", metrics.toString()).exitCode());
        assertEquals(recorded, Json.MAPPER.readTree(metrics.toFile()).get("testAccuracy").asDouble(), 0.0);

        MnistFiles.Split test = MnistFiles.test(data.toString());
        IdxHeader images = IdxReader.readHeader(test.images(), IdxKind.IMAGES);
        int n = (int) images.count();
        byte[] pixels = IdxReader.readRecords(images, 0, n);
        byte[] labels = IdxReader.readLabels(IdxReader.readHeader(test.labels(), IdxKind.LABELS));

        // Spark ML: transform's (float) probabilities are the mean of the members' (double) ones to float rounding.
        MnistMlpClassificationModel model = MnistMlpClassificationModel.load(committee.toString());
        MnistMlpClassificationModel first = new MnistMlpClassificationModel("m0", c.members().get(0));
        MnistMlpClassificationModel second = new MnistMlpClassificationModel("m1", c.members().get(1));
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate();
        Dataset<Row> frame = IdxFrames.read(spark, test.images(), test.labels(), 2);
        List<Row> rows = model.transform(frame).select("features", "probability").collectAsList();
        assertEquals(n, rows.size());
        double[][] combined = new double[n][];
        for (int i = 0; i < n; i++) {
            Vector x = rows.get(i).getAs(0);
            double[][] each = {first.predictRaw(x).toArray(), second.predictRaw(x).toArray()};
            combined[i] = new double[10];
            c.combination().combine(each, 0, 10, combined[i], 0);
            assertArrayEquals(combined[i], model.predictRaw(x).toArray(), 1e-12, "record " + i);
            assertArrayEquals(combined[i], ((Vector) rows.get(i).getAs(1)).toArray(), 1e-5, "record " + i);
        }

        // ONNX Runtime: one graph, accuracy equal to metrics.json's, for either combination.
        Path onnx = tmp.resolve("committee.onnx");
        OnnxExport.write(committee.toString(), onnx.toString(), Precision.DOUBLE);
        assertEquals(recorded, ortAccuracy(onnx, pixels, labels, n, images.recordBytes(), combined), 0.0);
        for (Combination other : Combination.values()) {
            SavedCommittee k = new SavedCommittee(c.members(), other, c.metadata(), c.info());
            Path file = tmp.resolve(other.word() + ".onnx");
            Files.write(file, OnnxExport.toOnnx(k, null, Precision.DOUBLE).toByteArray());
            double[][] expected = new double[n][10];
            for (int i = 0; i < n; i++) {
                Vector x = rows.get(i).getAs(0);
                double[][] each = {first.predictRaw(x).toArray(), second.predictRaw(x).toArray()};
                other.combine(each, 0, 10, expected[i], 0);
            }
            ortAccuracy(file, pixels, labels, n, images.recordBytes(), expected);
        }
    }

    @Test
    void retrainPublishesACommitteeAndItsGateComparesCommittees() throws Exception {
        Path registry = tmp.resolve("registry");
        List<String> args = new ArrayList<>(List.of("retrain", "--registry", registry.toString(), "--data-dir",
                data.toString(), "--min-accuracy", "0.5", "--no-onnx"));
        args.addAll(List.of(SMALL).subList(0, SMALL.length - 1)); // retrain has no --offline
        args.addAll(List.of("--committee", "2"));
        assertEquals(0, CliRun.of(args.toArray(String[]::new)).exitCode());
        ModelRegistry r = ModelRegistry.open(registry.toString());
        int first = r.current();
        SavedCommittee published = CommitteeStore.load(r.modelDir(first));
        assertTrue(published.isCommittee() && published.members().size() == 2);
        SavedCommittee reference = CommitteeStore.load(committee.toString());
        assertArrayEquals(reference.members().get(1).network().parameters(),
                published.members().get(1).network().parameters(), "the same members as train --committee");
        args.add("--force");
        assertEquals(0, CliRun.of(args.toArray(String[]::new)).exitCode());
        VersionStatus status = r.status(r.current());
        assertEquals(first, status.compareVersion());
        assertEquals(((Number) published.metadata().metrics().get("testAccuracy")).doubleValue(),
                status.compareAccuracy(), 0.0, "the gate scored the current committee, combined");
    }

    /** ONNX Runtime's accuracy, its probabilities checked against {@code expected} within 1e-5. */
    private static double ortAccuracy(Path onnx, byte[] pixels, byte[] labels, int n, int width,
                                      double[][] expected) throws Exception {
        int correct = 0;
        try (OrtScorer ort = new OrtScorer(onnx.toString())) {
            OrtScorer.Scores s = ort.score(pixels, n, width, 64);
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 10; k++) {
                    assertEquals(expected[i][k], s.probabilities()[i][k], 1e-5, onnx + ", record " + i);
                }
                correct += s.labels()[i] == labels[i] ? 1 : 0;
            }
        }
        return (double) correct / n;
    }
}
