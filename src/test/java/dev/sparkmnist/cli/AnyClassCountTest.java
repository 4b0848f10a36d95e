package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.export.OrtScorer;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.ml.IdxFrames;
import dev.sparkmnist.ml.MnistMlpClassificationModel;
import dev.sparkmnist.ml.MnistMlpClassifier;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.report.RunReport;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * K classes from the data: generated sets of 2 and 47 classes train a network with K outputs, and evaluate,
 * predict, the ONNX export (scored by ONNX Runtime) and a spark.ml Pipeline all follow K and agree with
 * {@code metrics.json}. A class without test records is n/a, not 0%; a continued model of other K is refused.
 */
class AnyClassCountTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {2, 47})
    void aSetOfKClassesTrainsEvaluatesPredictsExportsAndFitsInAPipeline(int k) throws Exception {
        Path data = SyntheticDigits.writeClasses(Files.createDirectory(tmp.resolve("data")), 40 * k + 400, 8 * k + 60,
                false, 5, k);
        if (k == 2) {
            Files.writeString(data.resolve("classes.txt"), "even\nodd\n"); // a 2-line classes.txt: K = 2
        }
        Path model = tmp.resolve("model");
        CliRun train = CliRun.of("train", "--data-dir", data.toString(), "--out", model.toString(), "--hidden", "24",
                "--partitions", "2", "--iterations", "150", "--batch-size", "32", "--offline");
        assertEquals(ExitCodes.OK, train.exitCode(), train.stderr());
        assertEquals(k, ModelStore.load(model.toString()).network().sizes().outputs(), "K output units");
        if (k == 2) {
            assertEquals(java.util.List.of("even", "odd"), ModelStore.load(model.toString()).metadata().classNames());
        }
        Map<String, Object> metrics = json(model.resolve("metrics.json"));
        double testAccuracy = ((Number) metrics.get("testAccuracy")).doubleValue();
        assertTrue(testAccuracy > (k == 2 ? 0.95 : 0.6), "test accuracy " + testAccuracy);
        @SuppressWarnings("unchecked")
        Map<String, Object> test = (Map<String, Object>) metrics.get("test");
        assertEquals(k, ((List<?>) test.get("perClassAccuracy")).size());
        assertEquals(k, ((List<?>) test.get("confusion")).size());
        assertTrue(Files.size(model.resolve(RunReport.CONFUSION_PNG)) > 0);

        Path evaluated = tmp.resolve("eval.json");
        CliRun eval = CliRun.of("evaluate", "--model", model.toString(), "--data-dir", data.toString(),
                "--metrics-out", evaluated.toString());
        assertEquals(ExitCodes.OK, eval.exitCode(), eval.stderr());
        assertEquals(testAccuracy, ((Number) json(evaluated).get("testAccuracy")).doubleValue(), 0);

        Path predictions = tmp.resolve("predictions");
        String testImages = data.resolve(MnistFiles.TEST_IMAGES).toString();
        CliRun predict = CliRun.of("predict", "--model", model.toString(), "--images", testImages,
                "--labels", data.resolve(MnistFiles.TEST_LABELS).toString(), "--out", predictions.toString());
        assertEquals(ExitCodes.OK, predict.exitCode(), predict.stderr());
        String header = csvHeader(predictions);
        assertTrue(header.endsWith(",probability_" + (k - 1)) && !header.contains("probability_" + k), header);
        List<String> lines = csvLines(predictions);
        long right = lines.stream().map(l -> l.split(",")).filter(c -> c[1].equals(c[2])).count();
        assertEquals(testAccuracy, (double) right / lines.size(), 1e-12, "predict agrees with metrics.json");

        Path onnx = tmp.resolve("model.onnx");
        CliRun export = CliRun.of("export", "--model", model.toString(), "--out", onnx.toString());
        assertEquals(ExitCodes.OK, export.exitCode(), export.stderr());
        var images = IdxReader.readHeader(testImages, IdxKind.IMAGES);
        byte[] pixels = IdxReader.readRecords(images, 0, (int) images.count());
        byte[] labels = IdxReader.readLabels(IdxReader.readHeader(data.resolve(MnistFiles.TEST_LABELS).toString(),
                IdxKind.LABELS));
        try (OrtScorer ort = new OrtScorer(onnx.toString())) {
            OrtScorer.Scores s = ort.score(pixels, labels.length, 784, 64);
            assertEquals(k, s.probabilities()[0].length, "ONNX gives K probabilities");
            long ortRight = 0;
            for (int i = 0; i < labels.length; i++) {
                ortRight += s.labels()[i] == (labels[i] & 0xff) ? 1 : 0;
            }
            assertEquals(testAccuracy, (double) ortRight / labels.length, 1e-12, "ONNX Runtime agrees");
        }

        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate();
        Dataset<Row> frame = IdxFrames.read(spark, data.resolve(MnistFiles.TRAIN_IMAGES).toString(),
                data.resolve(MnistFiles.TRAIN_LABELS).toString(), 2);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {new MnistMlpClassifier()
                .setHiddenUnits(24).setIterations(150).setBatchSize(32)}).fit(frame);
        MnistMlpClassificationModel stage = (MnistMlpClassificationModel) fitted.stages()[0];
        assertEquals(k, stage.numClasses(), "numClasses follows the data");
        Vector p = fitted.transform(frame.limit(3)).first().getAs("probability");
        assertEquals(k, p.size());
    }

    @Test
    void classesWithoutTestRecordsAreNotApplicableAndAKMismatchIsRefused() throws Exception {
        Path data = SyntheticDigits.writeClasses(Files.createDirectory(tmp.resolve("two")), 300, 60, false, 9, 2);
        Files.writeString(data.resolve("classes.txt"), "even\nodd\nthird\n");
        Path model = tmp.resolve("model");
        String[] small = {"--data-dir", data.toString(), "--hidden", "8", "--partitions", "2", "--iterations", "20",
            "--offline"};
        CliRun train = CliRun.of(concat(new String[] {"train", "--out", model.toString()}, small));
        assertEquals(ExitCodes.OK, train.exitCode(), train.stderr());
        assertEquals(3, ModelStore.load(model.toString()).network().sizes().outputs(), "three names: K = 3");
        @SuppressWarnings("unchecked")
        List<Object> perClass = (List<Object>) ((Map<String, Object>) json(model.resolve("metrics.json"))
                .get("test")).get("perClassAccuracy");
        assertNull(perClass.get(2), "no test record of class 2: n/a (null), not 0");
        String html = Files.readString(model.resolve(RunReport.REPORT_HTML));
        assertTrue(html.contains("<td>n/a</td>"), "report shows n/a");

        Files.delete(data.resolve("classes.txt"));
        Path wide = SyntheticDigits.writeClasses(Files.createDirectory(tmp.resolve("wide")), 300, 60, false, 9, 12);
        CliRun mismatch = CliRun.of("train", "--data-dir", wide.toString(), "--init-from", model.toString(),
                "--out", tmp.resolve("next").toString(), "--iterations", "2", "--offline");
        assertEquals(ExitCodes.BAD_INPUT, mismatch.exitCode());
        String last = lastLine(mismatch.stderr());
        assertTrue(last.contains("has 3 classes, but the data in") && last.contains("has 12"), last);

        CliRun evalWide = CliRun.of("evaluate", "--model", model.toString(), "--data-dir", wide.toString());
        assertEquals(ExitCodes.BAD_INPUT, evalWide.exitCode());
        assertTrue(lastLine(evalWide.stderr()).contains("is not one of the 3 classes (labels 0..2) of the model"),
                evalWide.stderr());

        CliRun one = CliRun.of(concat(new String[] {"train", "--out", tmp.resolve("x").toString(),
            "--class-names", "only"}, small));
        assertEquals(ExitCodes.BAD_INPUT, one.exitCode());
        assertTrue(lastLine(one.stderr()).contains("--class-names: 1 class names given, but"), one.stderr());
    }

    static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        return lines[lines.length - 1];
    }

    private static Map<String, Object> json(Path file) throws Exception {
        return Json.MAPPER.readValue(file.toFile(), new TypeReference<>() { });
    }

    private static String csvHeader(Path dir) throws Exception {
        return Files.readAllLines(partFiles(dir).get(0)).get(0);
    }

    private static List<String> csvLines(Path dir) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (Path part : partFiles(dir)) {
            List<String> lines = Files.readAllLines(part);
            out.addAll(lines.subList(1, lines.size()));
        }
        return out;
    }

    private static List<Path> partFiles(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
