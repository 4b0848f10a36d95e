package dev.sparkmnist.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * Issue 30, case 4: the estimator's recorded trainAccuracy is what {@code evaluate} prints for the same model on
 * the same data (it was scored with the unresolved standard scaling before); Spark's shared param names work, with
 * today's names as aliases, in setters and in ParamMaps. Spark's {@code tol} is 0 (off) by default, checked when set,
 * saved and loaded with the estimator, and a real stop: {@code fit} with a tolerance trains fewer iterations than
 * asked and its model's metrics say at which epoch it converged.
 */
class SparkParamNamesTest {
    @TempDir
    static Path data;
    static Dataset<Row> train;

    @BeforeAll
    static void read() {
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate();
        SyntheticDigits.writeMnistLike(data, 600, 100, false, 8);
        String dir = data.toString();
        train = IdxFrames.read(spark, MnistFiles.train(dir).images(), MnistFiles.train(dir).labels(), 2).cache();
    }

    @Test
    void trainAccuracyIsWhatEvaluatePrints(@TempDir Path out) throws Exception {
        MnistMlpClassificationModel model = new MnistMlpClassifier().setHiddenUnits(8).setMaxIter(20)
                .setBlockSize(32).fit(train); // default scaling: standard, learnt from the pixels
        double recorded = ((Number) model.savedModel().metadata().metrics().get("trainAccuracy")).doubleValue();
        Path dir = out.resolve("model");
        model.write().save(dir.toString());
        Path metrics = out.resolve("metrics.json");
        CliRun eval = CliRun.of("evaluate", "--model", dir.toString(), "--images",
                MnistFiles.train(data.toString()).images(), "--labels", MnistFiles.train(data.toString()).labels(),
                "--metrics-out", metrics.toString());
        assertEquals(ExitCodes.OK, eval.exitCode(), eval.stderr());
        Map<String, Object> m = Json.MAPPER.readValue(metrics.toFile(), new TypeReference<>() { });
        assertEquals(((Number) m.get("testAccuracy")).doubleValue(), recorded, 0, "trainAccuracy = evaluate's");
        assertTrue(recorded > 0.5, "a trained model, not the share of one class: " + recorded);
    }

    @Test
    void sparkNamesAndTodaysAliasesTrainTheSameModel() {
        MnistMlpClassifier spark = new MnistMlpClassifier().setLayers(new int[] {784, 6, 10}).setMaxIter(5)
                .setStepSize(0.003).setRegParam(0.001).setBlockSize(16).setSeed(3).setScaling("unit");
        MnistMlpClassifier today = new MnistMlpClassifier().setHiddenUnits(6).setIterations(5).setLearningRate(0.003)
                .setLambda(0.001).setBatchSize(16).setSeed(3).setScaling("unit");
        assertEquals(5, today.getMaxIter());
        assertEquals(16, today.getBlockSize());
        assertEquals(0.001, today.getRegParam(), 0);
        assertArrayEquals(spark.fit(train).savedModel().network().parameters(),
                today.fit(train).savedModel().network().parameters());

        MnistMlpClassifier tuned = new MnistMlpClassifier().setScaling("unit");
        ParamMap grid = new ParamMap().put(tuned.iterations(), 2).put(tuned.hiddenUnits(), 4);
        MnistMlpClassificationModel viaAlias = tuned.fit(train, grid);
        assertEquals(2L, ((Number) viaAlias.savedModel().metadata().phases().get(0).iterations()).longValue());
        assertEquals(4, viaAlias.savedModel().network().sizes().hidden());

        String clash = assertThrows(BadInputException.class, () -> new MnistMlpClassifier().setMaxIter(3)
                .setIterations(4).fit(train)).getMessage();
        assertEquals("maxIter 3 and its alias iterations 4 disagree; set one of them", clash);
        String layers = assertThrows(BadInputException.class, () -> new MnistMlpClassifier()
                .setLayers(new int[] {784, 4, 12}).setMaxIter(1).fit(train)).getMessage();
        assertTrue(layers.contains("the data has 10 classes, so the last layer must have 10 units"), layers);
        assertTrue(Files.exists(data));
    }

    @Test
    void offByDefaultCheckedWhenSetAndSavedWithTheEstimator(@TempDir Path out) throws Exception {
        MnistMlpClassifier estimator = new MnistMlpClassifier();
        assertEquals(0.0, estimator.getTol(), 0, "off by default, unlike MLPC's 1e-6");
        assertEquals("tol", estimator.tol().name());
        assertThrows(IllegalArgumentException.class, () -> estimator.setTol(-1));
        assertThrows(IllegalArgumentException.class, () -> estimator.setTol(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> estimator.setTol(Double.POSITIVE_INFINITY));

        String path = out.resolve("estimator").toString();
        estimator.setTol(1e-4).write().save(path);
        MnistMlpClassifier loaded = MnistMlpClassifier.load(path);
        assertEquals(1e-4, loaded.getTol(), 0);
        assertTrue(loaded.isSet(loaded.tol()));
    }

    @Test
    void fitWithAToleranceStopsEarly() {
        MnistMlpClassifier estimator = new MnistMlpClassifier().setHiddenUnits(8).setMaxIter(300).setBlockSize(60)
                .setStepSize(0.002).setLocalSteps(1).setScaling("unit");
        Map<String, Object> off = estimator.fit(train).savedModel().metadata().metrics();
        assertFalse(off.containsKey("convergence"), "tol 0 checks nothing: " + off);

        Map<String, Object> metrics = estimator.fit(train, new ParamMap().put(estimator.tol(), 0.05))
                .savedModel().metadata().metrics();
        Map<?, ?> c = (Map<?, ?>) metrics.get("convergence");
        assertEquals(true, c.get("converged"), String.valueOf(metrics));
        long stop = ((Number) c.get("iteration")).longValue();
        assertTrue(stop < 300, "stopped before maxIter: " + c);
        assertEquals(((Number) c.get("epoch")).longValue() * 10, stop, "600 records / 60 a batch: 10 an epoch");
    }
}
