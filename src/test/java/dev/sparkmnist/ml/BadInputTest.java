package dev.sparkmnist.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.testing.SharedSpark;

/** Bad DataFrames stop fit and transform with one error naming the column, the value and the row. */
class BadInputTest {
    static SparkSession spark;
    static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("label", DataTypes.DoubleType, true),
            DataTypes.createStructField("features", SQLDataTypes.VectorType(), true)));

    @BeforeAll
    static void start() {
        SharedSpark.get();
        spark = SparkSession.builder().getOrCreate();
    }

    /** 20 good rows, then row {@code bad} (label, features). */
    static Dataset<Row> frame(double badLabel, double[] badFeatures) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            double[] v = new double[784];
            Arrays.fill(v, i * 10);
            rows.add(RowFactory.create((double) (i % 10), new DenseVector(v)));
        }
        rows.add(RowFactory.create(badLabel, new DenseVector(badFeatures)));
        return spark.createDataFrame(rows, SCHEMA).coalesce(1);
    }

    static String fitError(Dataset<Row> data) {
        MnistMlpClassifier c = new MnistMlpClassifier().setHiddenUnits(4).setIterations(2).setBatchSize(4)
                .setLocalSteps(1);
        return assertThrows(BadInputException.class, () -> c.fit(data)).getMessage();
    }

    @Test
    void wrongVectorSize() {
        String m = fitError(frame(3, new double[100]));
        assertTrue(m.startsWith("featuresCol 'features': a vector of 100 values in row 20 of partition 0"), m);
        assertTrue(m.contains("takes 784"), m);
    }

    @Test
    void missingColumn() {
        String m = fitError(frame(3, new double[784]).withColumnRenamed("features", "pixels"));
        assertEquals("featuresCol 'features': the DataFrame has no such column (its columns: label, pixels)", m);
        m = fitError(frame(3, new double[784]).drop("label"));
        assertTrue(m.startsWith("labelCol 'label': the DataFrame has no such column"), m);
    }

    @Test
    void labelOutOfRange() {
        String m = fitError(frame(256, new double[784]));
        assertEquals("labelCol 'label': label 256.0 in row 20 of partition 0 is not a class number 0..255", m);
        m = fitError(frame(2.5, new double[784]));
        assertTrue(m.contains("label 2.5"), m);
    }

    @Test
    void nanAndOutOfRangeFeatures() {
        double[] nan = new double[784];
        nan[17] = Double.NaN;
        assertEquals("featuresCol 'features': value NaN at element 17 in row 20 of partition 0",
                fitError(frame(1, nan)));
        double[] big = new double[784];
        big[3] = 300;
        String m = fitError(frame(1, big));
        assertTrue(m.contains("value 300.0 at element 3") && m.contains("outside 0..255"), m);
    }

    @Test
    void emptyPartitionsAreNotTrainingPartitions() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            double[] v = new double[784];
            Arrays.fill(v, i < 20 ? 0 : 200);
            rows.add(RowFactory.create((double) (i < 20 ? i % 5 : 5 + i % 5), new DenseVector(v)));
        }
        Dataset<Row> low = spark.createDataFrame(SharedSpark.get().parallelize(rows, 2), SCHEMA).filter("label < 5");
        assertEquals(2, low.rdd().getNumPartitions());
        assertEquals(List.of(20, 0), low.javaRDD().glom().map(List::size).collect(), "the second one is empty");
        MnistMlpClassificationModel m = new MnistMlpClassifier().setHiddenUnits(4).setIterations(2).setBatchSize(4)
                .setLocalSteps(1).setScaling("unit").fit(low); // every kept pixel is 0: nothing to standardise
        assertEquals(20L, m.savedModel().metadata().metrics().get("trainingRecords"));
    }

    @Test
    void transformNamesTheColumnToo() {
        Network net = Network.initialise(new LayerSizes(784, 4, 10), 1);
        ModelMetadata meta = new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.FORMAT_VERSION,
                new int[] {784, 4, 10}, "tanh", "softmax", "unit", 1, List.of(), null, java.util.Map.of(),
                java.util.Map.of(), "test", "test", "now", ModelMetadata.WEIGHT_FILES);
        MnistMlpClassificationModel model = new MnistMlpClassificationModel("m", new SavedModel(net, meta));
        Exception e = assertThrows(Exception.class,
                () -> model.transform(frame(1, new double[100])).collectAsList());
        assertEquals("featuresCol 'features': a vector of 100 values; the model takes 784",
                BadInputException.unwrap(e).getMessage());
        String m = assertThrows(BadInputException.class,
                () -> model.transform(frame(1, new double[784]).drop("features"))).getMessage();
        assertTrue(m.startsWith("featuresCol 'features': the DataFrame has no such column"), m);
    }
}
