package dev.sparkmnist.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.apache.spark.sql.functions.col;

import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.testing.SharedSpark;

/**
 * The spark.ml transform, scored a block of rows at a time: the probabilities of the row-at-a-time double pass
 * ({@code predictRaw}) to float rounding and the same predictions, over partitions that are not whole blocks and
 * dense and sparse feature vectors; spark.ml's columns, order, schema, thresholds and featureRange; and the model
 * reaches the tasks by broadcast (no "large task binary" warning for a 784-800-10 model).
 */
class BlockTransformTest {
    static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("index", DataTypes.LongType, false),
            DataTypes.createStructField("features", SQLDataTypes.VectorType(), true)));
    static SparkSession spark;

    @BeforeAll
    static void start() {
        SharedSpark.get();
        spark = SparkSession.builder().getOrCreate();
    }

    static MnistMlpClassificationModel model(int hidden) {
        Network net = Network.initialise(new LayerSizes(784, hidden, 10), hidden);
        ModelMetadata meta = new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.FORMAT_VERSION,
                new int[] {784, hidden, 10}, "tanh", "softmax", "unit", 1, List.of(), null, Map.of(), Map.of(),
                "test", "test", "now", ModelMetadata.WEIGHT_FILES);
        return new MnistMlpClassificationModel("m" + hidden, new SavedModel(net, meta));
    }

    /** {@code n} digit-like rows (a fifth of the pixels set), every third one as a sparse vector, in 3 partitions. */
    static Dataset<Row> frame(int n, double scale) {
        SplittableRandom r = new SplittableRandom(n);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] v = new double[784];
            for (int k = 0; k < v.length; k++) {
                v[k] = r.nextDouble() < 0.2 ? (1 + r.nextInt(255)) * scale : 0;
            }
            Vector features = i % 3 == 0 ? new DenseVector(v).toSparse() : new DenseVector(v);
            rows.add(RowFactory.create((long) i, features));
        }
        return spark.createDataFrame(SharedSpark.get().parallelize(rows, 3), SCHEMA);
    }

    @Test
    void blocksGiveTheRowAtATimeProbabilitiesAndPredictions() {
        MnistMlpClassificationModel model = model(40);
        Dataset<Row> frame = frame(700, 1.0);
        Dataset<Row> scored = model.transform(frame);
        assertArrayEquals(new String[] {"index", "features", "rawPrediction", "probability", "prediction"},
                scored.columns());
        assertEquals(model.transformSchema(frame.schema()).apply("probability"), scored.schema().apply("probability"),
                "spark.ml's schema, metadata included");
        List<Row> rows = scored.orderBy("index").collectAsList();
        assertEquals(700, rows.size());
        boolean sparseSeen = false;
        for (Row row : rows) {
            Vector features = row.getAs(1);
            sparseSeen |= features instanceof SparseVector;
            double[] expected = model.predictRaw(features).toArray();
            double[] p = ((Vector) row.getAs("probability")).toArray();
            assertArrayEquals(p, ((Vector) row.getAs("rawPrediction")).toArray(), 0.0);
            assertArrayEquals(expected, p, 2e-6, "row " + row.getLong(0));
            assertEquals(new DenseVector(expected).argmax(), row.getDouble(4), 0.0, "row " + row.getLong(0));
        }
        assertTrue(sparseSeen);
    }

    @Test
    void columnsThresholdsAndRangeAsSparkMlHasThem() {
        MnistMlpClassificationModel model = model(8);
        Dataset<Row> frame = frame(50, 1.0);
        List<Double> plain = model.transform(frame).orderBy("index").select("prediction").as(
                org.apache.spark.sql.Encoders.DOUBLE()).collectAsList();

        MnistMlpClassificationModel onlyPrediction = model(8);
        onlyPrediction.setRawPredictionCol("").setProbabilityCol("");
        assertArrayEquals(new String[] {"index", "features", "prediction"},
                onlyPrediction.transform(frame).columns());
        onlyPrediction.setPredictionCol("");
        assertArrayEquals(new String[] {"index", "features"}, onlyPrediction.transform(frame).columns());

        MnistMlpClassificationModel unit = model(8).setFeatureRange("unit");
        assertEquals(plain, unit.transform(frame(50, 1 / 255.0)).orderBy("index").select("prediction")
                .as(org.apache.spark.sql.Encoders.DOUBLE()).collectAsList(), "0..1 features: the same predictions");

        double[] thresholds = new double[10];
        java.util.Arrays.fill(thresholds, 1.0);
        thresholds[7] = 1e-9; // class 7 wins wherever its probability is not negligible
        MnistMlpClassificationModel favoured = model(8);
        favoured.setThresholds(thresholds);
        for (Row row : favoured.transform(frame).select("prediction").collectAsList()) {
            assertEquals(7.0, row.getDouble(0), 0.0);
        }
        assertTrue(plain.stream().anyMatch(p -> p != 7.0), "without thresholds other classes are predicted");
    }

    @Test
    void theModelTravelsAsABroadcast() {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger dag = (Logger) LogManager.getLogger("org.apache.spark.scheduler.DAGScheduler");
        AbstractAppender capture = new AbstractAppender("capture-task-binary", null, null, true,
                Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                warnings.add(event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        Level before = dag.getLevel();
        dag.setLevel(Level.WARN);
        dag.addAppender(capture);
        try {
            MnistMlpClassificationModel model = model(800); // 5 MB of weights
            assertEquals(20, model.transform(frame(20, 1.0)).select(col("prediction")).collectAsList().size());
            assertFalse(warnings.stream().anyMatch(w -> w.contains("large task binary")), warnings.toString());
            // The check itself: a closure that carries the network does raise the warning.
            double[] weights = model.savedModel().network().parameters();
            SharedSpark.get().parallelize(List.of(1, 2), 2).map(i -> weights[i]).collect();
            assertTrue(warnings.stream().anyMatch(w -> w.contains("large task binary")), warnings.toString());
        } finally {
            dag.removeAppender(capture);
            dag.setLevel(before);
        }
    }
}
