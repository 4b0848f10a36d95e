package dev.sparkmnist.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * Spark's shared {@code tol} param on the estimator: 0 (off) by default, checked when set, saved and loaded with the
 * estimator, and a real stop: {@code fit} with a tolerance trains fewer iterations than asked and its model's
 * metrics say at which epoch it converged.
 */
class TolParamTest {
    @TempDir
    static Path data;
    static Dataset<Row> train;

    @BeforeAll
    static void read() {
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate();
        SyntheticDigits.writeMnistLike(data, 600, 100, false, 12);
        String dir = data.toString();
        train = IdxFrames.read(spark, MnistFiles.train(dir).images(), MnistFiles.train(dir).labels(), 2).cache();
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
