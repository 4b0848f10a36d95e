package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.ml.IdxFrames;
import dev.sparkmnist.ml.ImageFolderFrames;
import dev.sparkmnist.ml.MnistMlpClassificationModel;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * A model trained by the command line loads as a spark.ml model and predicts what {@code evaluate} says, and
 * {@code predict} writes one row per image (IDX file or image folder) whose accuracy is metrics.json's.
 */
class PredictCommandTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path model;
    static SparkSession spark;
    static JsonNode metrics;

    @BeforeAll
    static void trainWithTheCli() throws Exception {
        SharedSpark.get();
        spark = SparkSession.builder().getOrCreate();
        data = Files.createDirectories(dir.resolve("data"));
        // Noisy enough that the small model makes some mistakes, so equal accuracies mean something.
        SyntheticDigits.writeMnistLike(data, 1000, 300, false, 9);
        model = dir.resolve("model");
        assertEquals(ExitCodes.OK, Main.run("train", "--data-dir", data.toString(), "--out", model.toString(),
                "--hidden", "8", "--iterations", "12", "--batch-size", "32", "--local-steps", "4", "--lr", "0.0005",
                "--momentum", "0", "--schedule", "constant", "--partitions", "2"));
        metrics = Json.MAPPER.readTree(model.resolve("metrics.json").toFile());
    }

    static Dataset<Row> testFrame() {
        MnistFiles.Split split = MnistFiles.test(data.toString());
        return IdxFrames.read(spark, split.images(), split.labels(), 3);
    }

    @Test
    void cliTrainedModelPredictsWhatEvaluateSays() throws Exception {
        Path eval = dir.resolve("eval.json");
        assertEquals(ExitCodes.OK, Main.run("evaluate", "--model", model.toString(), "--data-dir", data.toString(),
                "--metrics-out", eval.toString()));
        JsonNode confusion = Json.MAPPER.readTree(eval.toFile()).path("test").path("confusion");
        MnistMlpClassificationModel loaded = MnistMlpClassificationModel.load(model.toString());
        long[][] counts = new long[10][10];
        for (Row r : loaded.transform(testFrame()).select("label", "prediction").collectAsList()) {
            counts[(int) r.getDouble(0)][(int) r.getDouble(1)]++;
        }
        long correct = 0;
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                assertEquals(confusion.path(t).path(p).asLong(), counts[t][p], "confusion cell " + t + "," + p);
            }
            correct += counts[t][t];
        }
        assertTrue(correct < 300, "the small model makes mistakes: " + correct + " of 300");
    }

    @Test
    void predictWritesOneRowPerImageWithMetricsAccuracy() {
        Path out = dir.resolve("predictions-json");
        MnistFiles.Split split = MnistFiles.test(data.toString());
        String stdout = stdout(() -> assertEquals(ExitCodes.OK, Main.run("predict", "--model", model.toString(),
                "--images", split.images(), "--labels", split.labels(), "--out", out.toString(), "--format",
                "json")));
        double expected = metrics.path("testAccuracy").asDouble();
        assertTrue(stdout.contains("accuracy:    " + expected + " = "), stdout);
        List<Row> rows = spark.read().json(out.toString()).orderBy("index").collectAsList();
        assertEquals(300, rows.size());
        long correct = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            assertEquals(i, r.getLong(r.fieldIndex("index")));
            assertEquals(10, r.getList(r.fieldIndex("probability")).size());
            if (r.getLong(r.fieldIndex("label")) == r.getLong(r.fieldIndex("prediction"))) {
                correct++;
            }
        }
        assertEquals(expected, correct / 300.0, 0.0);
        assertEquals(metrics.path("test").path("samples").asLong(), rows.size());
    }

    @Test
    void localOutputDefaultsToCsvAndIsReplacedAtomically() throws Exception {
        Path parent = Files.createDirectories(dir.resolve("csv"));
        Path out = parent.resolve("predictions");
        MnistFiles.Split split = MnistFiles.test(data.toString());
        Files.createDirectories(out);
        Files.writeString(out.resolve("part-old.csv"), "an older output");
        Files.writeString(out.resolve(dev.sparkmnist.output.OutputClaim.MARKER), "predict\n"); // predict's own
        assertEquals(ExitCodes.OK, Main.run("predict", "--model", model.toString(), "--images", split.images(),
                "--out", out.toString()));
        assertTrue(Files.notExists(out.resolve("part-old.csv")), "the older output is replaced");
        try (var files = Files.list(parent)) {
            assertEquals(List.of(out), files.toList(), "no temporary or old output left beside it");
        }
        Dataset<Row> csv = spark.read().option("header", "true").csv(out.toString());
        assertEquals(List.of("index", "prediction", "probability_0", "probability_1", "probability_2",
                "probability_3", "probability_4", "probability_5", "probability_6", "probability_7", "probability_8",
                "probability_9"), Arrays.asList(csv.columns()));
        assertEquals(300, csv.count());
    }

    @Test
    void imageFolderIsScoredLikeItsIdxImages() throws Exception {
        Path folder = dir.resolve("digits");
        List<Row> idx = testFrame().orderBy("index").limit(30).collectAsList();
        for (Row r : idx) {
            int label = (int) r.getDouble(1);
            Path sub = Files.createDirectories(folder.resolve(Integer.toString(label)));
            ImageIO.write(gray28((Vector) r.get(2)), "png", sub.resolve("img" + r.getLong(0) + ".png").toFile());
        }
        // The first image again, twice the size and in colour: area averaging gives back the same 28 x 28 pixels.
        Row first = idx.get(0);
        ImageIO.write(rgbDoubled((Vector) first.get(2)), "png",
                folder.resolve(Integer.toString((int) first.getDouble(1))).resolve("big.png").toFile());

        Dataset<Row> images = ImageFolderFrames.read(spark, folder.toString(), 2);
        Map<String, Vector> byName = new HashMap<>();
        for (Row r : images.collectAsList()) {
            byName.put(Path.of(r.getString(1).replace("file:", "")).getFileName().toString(), (Vector) r.get(3));
        }
        assertEquals(31, byName.size());
        for (Row r : idx) {
            assertEquals(r.get(2), byName.get("img" + r.getLong(0) + ".png"), "PNG pixels are the IDX pixels");
        }
        assertEquals(first.get(2), byName.get("big.png"));

        Path out = dir.resolve("folder-predictions");
        String stdout = stdout(() -> assertEquals(ExitCodes.OK, Main.run("predict", "--model", model.toString(),
                "--images", folder.toString(), "--out", out.toString(), "--format", "parquet")));
        assertTrue(stdout.contains("(31)"), stdout);
        Map<Long, Integer> idxPredictions = new HashMap<>();
        MnistMlpClassificationModel loaded = MnistMlpClassificationModel.load(model.toString());
        for (Row r : loaded.transform(testFrame()).select("index", "prediction").collectAsList()) {
            idxPredictions.put(r.getLong(0), (int) r.getDouble(1));
        }
        for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
            String name = Path.of(r.getString(r.fieldIndex("path")).replace("file:", "")).getFileName().toString();
            long index = name.equals("big.png") ? first.getLong(0) : Long.parseLong(name.replaceAll("\\D", ""));
            assertEquals(idxPredictions.get(index), r.getInt(r.fieldIndex("prediction")), name);
        }
    }

    @Test
    void badInputIsOneClearError() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("bad-folder"));
        Files.writeString(folder.resolve("notes.txt"), "not an image");
        MnistFiles.Split split = MnistFiles.test(data.toString());
        Path out = dir.resolve("never");
        CliRun run = CliRun.of("predict", "--model", model.toString(), "--images", folder.toString(), "--out",
                out.toString());
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode());
        assertTrue(run.stderr().contains("notes.txt: not a PNG or JPEG file"), run.stderr());

        Files.delete(folder.resolve("notes.txt"));
        Files.writeString(Files.createDirectories(folder.resolve("3")).resolve("broken.png"), "not a png");
        run = CliRun.of("predict", "--model", model.toString(), "--images", folder.toString(), "--out",
                out.toString());
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode());
        assertTrue(run.stderr().contains("broken.png: not a PNG or JPEG image"), run.stderr());

        run = CliRun.of("predict", "--model", model.toString(), "--images", split.labels(), "--out", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode());
        assertTrue(run.stderr().contains("wrong magic number"), run.stderr());

        run = CliRun.of("predict", "--model", model.toString(), "--images", folder.toString(), "--labels",
                split.labels(), "--out", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode());
        assertTrue(run.stderr().contains("--labels is for an IDX --images file"), run.stderr());
        assertTrue(Files.notExists(out), "nothing written");
    }

    static BufferedImage gray28(Vector v) {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int k = 0; k < 784; k++) {
            img.getRaster().setSample(k % 28, k / 28, 0, (int) v.apply(k));
        }
        return img;
    }

    static BufferedImage rgbDoubled(Vector v) {
        BufferedImage img = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 56; y++) {
            for (int x = 0; x < 56; x++) {
                int g = (int) v.apply(y / 2 * 28 + x / 2);
                img.setRGB(x, y, g << 16 | g << 8 | g);
            }
        }
        return img;
    }

    static String stdout(Runnable action) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            action.run();
        } finally {
            System.setOut(saved);
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        saved.print(text);
        return text;
    }
}
