package dev.sparkmnist.bench;

import java.util.Locale;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;

import dev.sparkmnist.ml.IdxFrames;
import dev.sparkmnist.ml.MnistMlpClassificationModel;
import dev.sparkmnist.pipeline.SparkContexts;

/**
 * The spark.ml row of the {@code scoring} benchmark section (bench/scoring.sh): what a user's Spark program does to
 * score an IDX file with a saved model through the spark.ml API: read it as a DataFrame ({@link IdxFrames}), call
 * {@code transform}, keep index, label, prediction and the probabilities, write Parquet. Prints one JSON line with
 * the seconds from the start of main to the end of the write.
 *   TransformScoring MODEL_DIR IMAGES LABELS OUT_DIR
 */
public final class TransformScoring {
    private TransformScoring() {
    }

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        try (SparkContexts.Handle handle = SparkContexts.open("spark-mnist transform bench")) {
            SparkSession spark = SparkSession.builder().getOrCreate();
            MnistMlpClassificationModel model = MnistMlpClassificationModel.load(args[0]);
            Dataset<Row> images = IdxFrames.read(spark, args[1], args[2], handle.context().defaultParallelism());
            model.transform(images)
                    .select(col("index"), col("label").cast("int"), col("prediction").cast("int"),
                            vector_to_array(col("probability"), "float64").as("probability"))
                    .write().mode("overwrite").parquet(args[3]);
            System.out.printf(Locale.ROOT, "{\"seconds\": %.3f}%n", (System.nanoTime() - t0) / 1e9);
        }
    }
}
