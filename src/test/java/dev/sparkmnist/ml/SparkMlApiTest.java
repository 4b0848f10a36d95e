package dev.sparkmnist.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.apache.spark.sql.functions.col;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * The Spark ML API on generated digits in local[2]: a Pipeline fitted and evaluated, a CrossValidator choosing a
 * learning rate, and the model saved and loaded (alone and inside a PipelineModel) with identical predictions.
 */
class SparkMlApiTest {
    @TempDir
    static Path data;
    static SparkSession spark;
    static Dataset<Row> train;
    static Dataset<Row> test;
    static PipelineModel fitted;

    @BeforeAll
    static void fitPipeline() {
        SharedSpark.get();
        spark = SparkSession.builder().getOrCreate();
        SyntheticDigits.writeMnistLike(data, 800, 300, false, 5);
        String dir = data.toString();
        train = IdxFrames.read(spark, MnistFiles.train(dir).images(), MnistFiles.train(dir).labels(), 2)
                .withColumnRenamed("features", "pixels").cache();
        test = IdxFrames.read(spark, MnistFiles.test(dir).images(), MnistFiles.test(dir).labels(), 2)
                .withColumnRenamed("features", "pixels").cache();
        fitted = new Pipeline().setStages(new PipelineStage[] {
                new VectorAssembler().setInputCols(new String[] {"pixels"}).setOutputCol("features"),
                small(new MnistMlpClassifier())}).fit(train);
    }

    /** A small, fast configuration that separates the synthetic digits. */
    static MnistMlpClassifier small(MnistMlpClassifier c) {
        return c.setHiddenUnits(16).setIterations(64).setBatchSize(64).setLocalSteps(8).setLearningRate(0.002)
                .setMomentum(0.5).setSchedule("constant").setLogEvery(1000);
    }

    @Test
    void pipelineIsFittedAndEvaluated() {
        Dataset<Row> predicted = fitted.transform(test);
        for (String c : new String[] {"rawPrediction", "probability", "prediction"}) {
            assertTrue(List.of(predicted.columns()).contains(c), c);
        }
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predicted);
        assertTrue(accuracy > 0.9, "test accuracy " + accuracy);
        Row first = predicted.select("probability", "prediction").first();
        Vector p = first.getAs(0);
        assertEquals(10, p.size());
        double sum = 0;
        for (double v : p.toArray()) {
            sum += v;
        }
        assertEquals(1.0, sum, 1e-9);
        assertEquals(p.argmax(), first.getDouble(1), 0.0);
        MnistMlpClassificationModel model = (MnistMlpClassificationModel) fitted.stages()[1];
        assertEquals(16, model.savedModel().network().sizes().hidden());
        assertEquals(1, model.savedModel().metadata().phases().size());
    }

    @Test
    void crossValidatorPicksTheBetterLearningRate() {
        MnistMlpClassifier classifier = small(new MnistMlpClassifier()).setIterations(32).setFeaturesCol("pixels");
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(classifier.learningRate(), new double[] {1e-7, 0.002}).build();
        CrossValidatorModel cv = new CrossValidator().setEstimator(classifier).setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
                .setNumFolds(2).setSeed(3).fit(train);
        double[] metrics = cv.avgMetrics();
        assertEquals(2, metrics.length);
        assertTrue(metrics[1] > metrics[0] + 0.3, "lr 0.002 beats 1e-7: " + java.util.Arrays.toString(metrics));
        MnistMlpClassifier best = (MnistMlpClassifier) cv.bestModel().parent();
        assertEquals(0.002, best.getLearningRate(), 0.0);
    }

    @Test
    void savedAndLoadedModelsPredictTheSame(@TempDir Path dir) throws Exception {
        MnistMlpClassificationModel model = (MnistMlpClassificationModel) fitted.stages()[1];
        model.setProbabilityCol("p");
        String path = dir.resolve("model").toString();
        model.write().save(path);
        assertTrue(ModelStore.load(path).network().sizes().hidden() == 16, "a plain model directory");
        MnistMlpClassificationModel loaded = MnistMlpClassificationModel.load(path);
        assertEquals(model.uid(), loaded.uid());
        assertEquals("p", loaded.getProbabilityCol(), "params are saved");
        assertEquals(probabilities(model.transform(test.withColumnRenamed("pixels", "features")), "p"),
                probabilities(loaded.transform(test.withColumnRenamed("pixels", "features")), "p"));
        assertThrows(java.io.IOException.class, () -> model.write().save(path), "no silent overwrite");
        model.write().overwrite().save(path);
        model.setProbabilityCol("probability");

        String pipelinePath = dir.resolve("pipeline").toString();
        fitted.write().save(pipelinePath);
        PipelineModel reloaded = PipelineModel.load(pipelinePath);
        assertEquals(probabilities(fitted.transform(test), "probability"),
                probabilities(reloaded.transform(test), "probability"));

        String estimatorPath = dir.resolve("estimator").toString();
        small(new MnistMlpClassifier()).setSeed(7).write().save(estimatorPath);
        assertEquals(7L, MnistMlpClassifier.load(estimatorPath).getOrDefault(
                MnistMlpClassifier.load(estimatorPath).seed()));
    }

    @Test
    void warmStartContinuesAModel(@TempDir Path dir) throws Exception {
        MnistMlpClassificationModel model = (MnistMlpClassificationModel) fitted.stages()[1];
        String path = dir.resolve("model").toString();
        model.write().save(path);
        MnistMlpClassificationModel continued = small(new MnistMlpClassifier()).setHiddenUnits(16)
                .setIterations(8).setFeaturesCol("pixels").setInitialModel(path).fit(train);
        assertEquals(2, continued.savedModel().metadata().phases().size());
        assertEquals(path, continued.savedModel().metadata().continuedFrom());
        assertNotEquals(model.savedModel().network().parameters()[0],
                continued.savedModel().network().parameters()[0]);
        BadInputException e = assertThrows(BadInputException.class, () -> small(new MnistMlpClassifier())
                .setHiddenUnits(8).setFeaturesCol("pixels").setInitialModel(path).fit(train));
        assertTrue(e.getMessage().contains("hiddenUnits 8"), e.getMessage());
    }

    static List<Vector> probabilities(Dataset<Row> predicted, String column) {
        return predicted.orderBy(col("index")).select(column).collectAsList().stream()
                .map(r -> (Vector) r.getAs(0)).toList();
    }
}
