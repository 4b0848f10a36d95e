package dev.sparkmnist.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;

import dev.sparkmnist.model.ModelStore;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

/**
 * Batch scoring, the heart of {@code ./submit.sh predict}: a model's predictions for every image of a DataFrame
 * (from {@link IdxFrames} or {@link ImageFolderFrames}), written as one row per image ({@code index}, {@code path}
 * for image folders, {@code label} when known, {@code prediction}, {@code probability}: the model's K class
 * probabilities as an array, or as columns {@code probability_0} ... {@code probability_<K-1>} in CSV, which has no
 * arrays), and the
 * accuracy when labels are known.
 *
 * <p>The output is a Spark output directory (part files), written under a hidden temporary name beside the target
 * and renamed into place when complete; an existing output there is replaced only then.
 */
public final class BatchPredictions {
    private BatchPredictions() {
    }

    /** Output formats. */
    public enum Format {
        CSV, PARQUET, JSON;

        /**
         * Parquet for Hadoop file systems (compact, typed, what the next Spark job wants); CSV for local paths,
         * which a person opens in a spreadsheet or {@code head}s.
         */
        public static Format defaultFor(String out, Configuration conf) {
            Path p = new Path(out);
            try {
                return "file".equals(p.getFileSystem(conf).getScheme()) ? CSV : PARQUET;
            } catch (IOException e) {
                throw new UncheckedIOException(out + ": " + e.getMessage(), e);
            }
        }
    }

    /** What was written: rows, and with labels the number predicted right. */
    public record Summary(long rows, long correct, boolean labelled) {
        /** correct / rows: computed as {@code ConfusionMatrix.accuracy()} computes metrics.json's. */
        public double accuracy() {
            return rows == 0 ? 0 : (double) correct / rows;
        }
    }

    /** Scores {@code images} with {@code model} (its spark.ml transform) and writes the rows to {@code out}. */
    public static Summary write(MnistMlpClassificationModel model, Dataset<Row> images, String out, Format format,
                                Configuration conf) {
        return writeScored(model.transform(images), model.numClasses(), out, format, conf);
    }

    /**
     * As {@link #write} for rows already scored: {@code index}, optional {@code path} and {@code label}, and the
     * {@code prediction} and {@code probability} columns of the spark.ml model ({@link IdxScoring} gives them), of a
     * model with {@code classes} classes.
     */
    public static Summary writeScored(Dataset<Row> images, int classes, String out, Format format,
                                      Configuration conf) {
        boolean labelled = Arrays.asList(images.columns()).contains(IdxFrames.LABEL);
        // The counts are observed while the rows are written: one pass over the images, nothing cached.
        Observation counts = new Observation("predictions");
        Column correct = labelled ? col(IdxFrames.LABEL).equalTo(col("prediction")).cast("long") : lit(0L);
        Dataset<Row> scored = images.select(columns(images, format, classes))
                .observe(counts, count(lit(1)).as("rows"), coalesce(sum(correct), lit(0L)).as("correct"));
        writeAtomically(scored, out, format, conf);
        Map<String, Object> observed;
        try {
            observed = counts.getAsJava(); // filled in when the write's job finished
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting the predictions", e);
        }
        return new Summary(((Number) observed.get("rows")).longValue(),
                ((Number) observed.get("correct")).longValue(), labelled);
    }

    private static Column[] columns(Dataset<Row> images, Format format, int classes) {
        List<Column> cols = new ArrayList<>();
        cols.add(col(IdxFrames.INDEX));
        for (String optional : new String[] {ImageFolderFrames.PATH, IdxFrames.LABEL}) {
            if (Arrays.asList(images.columns()).contains(optional)) {
                cols.add(optional.equals(IdxFrames.LABEL) ? col(optional).cast("int") : col(optional));
            }
        }
        cols.add(col("prediction").cast("int").as("prediction"));
        Column probability = vector_to_array(col("probability"), "float64");
        if (format == Format.CSV) {
            for (int k = 0; k < classes; k++) {
                cols.add(probability.getItem(k).as("probability_" + k));
            }
        } else {
            cols.add(probability.as("probability"));
        }
        return cols.toArray(new Column[0]);
    }

    private static void writeAtomically(Dataset<Row> rows, String out, Format format, Configuration conf) {
        Path target = new Path(out);
        try {
            FileSystem fs = target.getFileSystem(conf);
            target = fs.makeQualified(target);
            Path parent = target.getParent();
            Path tmp = new Path(parent, "." + target.getName() + ".tmp-" + UUID.randomUUID());
            try {
                rows.write().format(format.name().toLowerCase(Locale.ROOT)).option("header", "true")
                        .save(tmp.toString());
                ModelStore.moveIntoPlace(fs, tmp, target);
            } finally {
                if (fs.exists(tmp)) {
                    fs.delete(tmp, true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot write predictions: " + e.getMessage(), e);
        }
    }
}
