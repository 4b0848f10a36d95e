package dev.sparkmnist.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.ml.IdxFrames;
import dev.sparkmnist.ml.MnistMlpClassifier;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * The release-matrix smoke (issue 29): what users run, on the Spark release this build uses. CI's second pass runs
 * it once per Maven profile (Spark 3.5 on Scala 2.12 and 2.13, 4.0, 4.1), beside {@link SparkReleasesTest} and
 * the local-cluster executor-loss test; the main pass runs it on 4.2. train, predict and export through the
 * command line, and a Pipeline fitted, saved and loaded with identical predictions. It prints the trained
 * weights' SHA-256, which {@code .ci/run} compares across releases: the arithmetic is ours, so every release must
 * give the same bits.
 */
class ReleaseSmokeTest {
    @TempDir
    Path tmp;

    @Test
    void trainPredictExportAndPipelineSaveLoad() throws Exception {
        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 600, 100, false, 3);
        String model = tmp.resolve("model").toString();
        CliRun train = CliRun.of("train", "--data-dir", data.toString(), "--out", model, "--hidden", "8",
                "--iterations", "30", "--partitions", "2", "--offline");
        assertEquals(ExitCodes.OK, train.exitCode(), train.stderr());
        double[] weights = ModelStore.load(model).network().parameters();
        System.out.println("release smoke: spark " + SharedSpark.get().version() + " scala "
                + scala.util.Properties.versionNumberString() + " weights sha256 " + sha256(weights));

        MnistFiles.Split test = MnistFiles.test(data.toString());
        Path predictions = tmp.resolve("predictions");
        CliRun predict = CliRun.of("predict", "--model", model, "--images", test.images(), "--labels",
                test.labels(), "--out", predictions.toString(), "--format", "csv");
        assertEquals(ExitCodes.OK, predict.exitCode(), predict.stderr());
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate();
        assertEquals(100, spark.read().option("header", "true").csv(predictions.toString()).count());

        Path onnx = tmp.resolve("model.onnx");
        CliRun export = CliRun.of("export", "--model", model, "--format", "onnx", "--out", onnx.toString());
        assertEquals(ExitCodes.OK, export.exitCode(), export.stderr());
        assertTrue(Files.size(onnx) > 8 * 784 * 4, "the weights are in the ONNX file");

        MnistFiles.Split trainSplit = MnistFiles.train(data.toString());
        Dataset<Row> frame = IdxFrames.read(spark, trainSplit.images(), trainSplit.labels(), 2);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {new MnistMlpClassifier()
                .setHiddenUnits(8).setIterations(16).setBatchSize(64).setLogEvery(1000)}).fit(frame);
        String saved = tmp.resolve("pipeline").toString();
        fitted.write().save(saved);
        PipelineModel loaded = PipelineModel.load(saved);
        assertArrayEquals(probabilities(fitted.transform(frame)), probabilities(loaded.transform(frame)));
    }

    private static double[] probabilities(Dataset<Row> scored) {
        List<Row> rows = scored.select("probability").collectAsList();
        return rows.stream().flatMapToDouble(r -> java.util.Arrays.stream(((Vector) r.get(0)).toArray())).toArray();
    }

    private static String sha256(double[] values) throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Double.BYTES);
        for (double v : values) {
            bytes.putDouble(v);
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
    }
}
