package dev.sparkmnist.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * predict's IDX path scores from the pixel bytes exactly as the spark.ml transform scores the same file read as
 * feature vectors: the same probabilities bit for bit and the same predictions, with and without labels, over
 * partitions that are not whole blocks.
 */
class IdxScoringTest {
    @TempDir
    static Path data;

    @Test
    void bytesScoreAsTheTransformScoresVectors() {
        SharedSpark.get();
        SparkSession spark = SparkSession.builder().getOrCreate();
        SyntheticDigits.writeMnistLike(data, 10, 700, true, 3);
        MnistFiles.Split test = MnistFiles.test(data.toString());
        MnistMlpClassificationModel model = BlockTransformTest.model(24);
        for (String labels : new String[] {test.labels(), null}) {
            Dataset<Row> direct = IdxScoring.score(spark, model, test.images(), labels, 3);
            Dataset<Row> viaTransform = model.transform(IdxFrames.read(spark, test.images(), labels, 3));
            List<Row> a = direct.orderBy("index").collectAsList();
            List<Row> b = viaTransform.orderBy("index").collectAsList();
            assertEquals(700, a.size());
            assertEquals(labels == null ? List.of("index", "probability", "prediction")
                    : List.of("index", "label", "probability", "prediction"), List.of(direct.columns()));
            for (int i = 0; i < a.size(); i++) {
                Row x = a.get(i);
                Row y = b.get(i);
                assertEquals(y.<Long>getAs("index"), x.<Long>getAs("index"));
                assertArrayEquals(((Vector) y.getAs("probability")).toArray(),
                        ((Vector) x.getAs("probability")).toArray(), 0.0, "row " + i);
                assertEquals(y.<Double>getAs("prediction"), x.<Double>getAs("prediction"), 0.0);
                if (labels != null) {
                    assertEquals(y.<Double>getAs("label"), x.<Double>getAs("label"), 0.0);
                }
            }
        }
    }
}
