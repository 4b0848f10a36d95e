package dev.sparkmnist.cli;

import java.util.Locale;
import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.ml.BatchPredictions;
import dev.sparkmnist.ml.IdxScoring;
import dev.sparkmnist.ml.ImageFolderFrames;
import dev.sparkmnist.ml.MnistMlpClassificationModel;
import dev.sparkmnist.output.OutputClaim;
import dev.sparkmnist.pipeline.SparkContexts;
import dev.sparkmnist.train.InvalidConfigException;

/**
 * {@code predict}: scores an IDX images file (straight from its bytes, {@link IdxScoring}) or a folder of PNG/JPEG
 * digits (through the Spark ML model, {@link MnistMlpClassificationModel}) with a saved model, and writes one row
 * per image; with labels it prints the accuracy.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Score images with a saved model: one row per image (index, prediction, the model's K class "
                + "probabilities; "
                + "label when known), written atomically; prints the accuracy when labels are known.")
public final class PredictCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "MODEL_DIR",
            description = "Saved model directory (from train, retrain or the Spark ML API).")
    String model;

    @Option(names = "--images", required = true, paramLabel = "PATH",
            description = "An IDX images file (plain or .gz), or a folder of .png/.jpg digits: directly in it "
                    + "(unlabelled) or in sub-folders named by class number 0, 1, ... (labelled by them).")
    String images;

    @Option(names = "--labels", paramLabel = "FILE", description = "IDX labels file for an IDX --images file.")
    String labels;

    @Option(names = "--out", required = true, paramLabel = "PATH",
            description = "Output directory (any Hadoop path), replaced atomically.")
    String out;

    @Option(names = "--overwrite", description = "Replace an existing --out directory that predict did not write "
            + "(never a model directory, a registry or the input).")
    boolean overwrite;

    @Option(names = "--format", paramLabel = "csv|parquet|json",
            description = "Output format (default: csv for local paths, parquet for other Hadoop file systems).")
    BatchPredictions.Format format;

    @Option(names = "--partitions", description = "Partitions (tasks) to read and score in (default: Spark's "
            + "default parallelism).")
    Integer partitions;

    @Override
    public Integer call() {
        if (partitions != null && partitions < 1) {
            throw new InvalidConfigException("--partitions must be at least 1, got " + partitions);
        }
        images = HadoopPaths.qualify(images); // executors have another working directory
        labels = HadoopPaths.qualify(labels);
        out = HadoopPaths.qualify(out);
        try (OutputClaim claim = OutputClaim.directory("predict", "--out", out, overwrite, false, images, labels,
                model)) {
            predict(MnistMlpClassificationModel.load(HadoopPaths.qualify(model)));
            claim.written();
        }
        return ExitCodes.OK;
    }

    private void predict(MnistMlpClassificationModel scorer) {
        try (SparkContexts.Handle spark = SparkContexts.open("spark-mnist predict")) {
            JavaSparkContext sc = spark.context();
            // On the context just opened (builder().getOrCreate() alone warns "Using an existing SparkContext").
            SparkSession session = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            Configuration conf = sc.hadoopConfiguration();
            int p = partitions != null ? partitions : sc.defaultParallelism();
            Dataset<Row> scored;
            if (ImageFolderFrames.isFolder(images, conf)) {
                if (labels != null) {
                    throw new InvalidConfigException("--labels is for an IDX --images file; an image folder is "
                            + "labelled by its sub-folders 0, 1, ...");
                }
                scored = scorer.transform(ImageFolderFrames.read(session, images, p, scorer.numClasses()));
            } else {
                int pixels = IdxReader.readHeader(MnistFiles.plainOrGzipped(images), IdxKind.IMAGES).recordBytes();
                if (pixels != scorer.numFeatures()) {
                    throw new InvalidConfigException(images + ": images have " + pixels
                            + " pixels but the model expects " + scorer.numFeatures());
                }
                scored = IdxScoring.score(session, scorer, images, labels, p); // from the bytes, no vectors
            }
            BatchPredictions.Format f = format != null ? format : BatchPredictions.Format.defaultFor(out, conf);
            // A bad image or record fails inside a Spark task; ErrorReporter finds its message in the causes.
            BatchPredictions.Summary summary = BatchPredictions.writeScored(scored, scorer.numClasses(), out, f,
                    conf);
            System.out.println("model:       " + model + " (" + scorer.committee().describe() + ")");
            System.out.println("images:      " + images + " (" + summary.rows() + ")");
            System.out.println("predictions: " + out + " (" + f.name().toLowerCase(Locale.ROOT) + ")");
            if (summary.labelled()) {
                System.out.printf(Locale.ROOT, "accuracy:    %s = %.2f%% (%d of %d)%n", summary.accuracy(),
                        100 * summary.accuracy(), summary.correct(), summary.rows());
            }
        }
    }
}
