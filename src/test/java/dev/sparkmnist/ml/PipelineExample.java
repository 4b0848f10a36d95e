package dev.sparkmnist.ml;

import java.util.Locale;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The README's Spark ML example, runnable (not a test): fits a Pipeline with {@link MnistMlpClassifier} on the MNIST
 * training set in the folder given as the first argument, evaluates it on the test set, shows a few predictions and
 * saves the PipelineModel to the second argument.
 */
public final class PipelineExample {
    private PipelineExample() {
    }

    public static void main(String[] args) throws Exception {
        String mnist = args[0];
        SparkSession spark = SparkSession.builder().master("local[*]").appName("mnist pipeline").getOrCreate();
        Dataset<Row> train = IdxFrames.read(spark, mnist + "/train-images-idx3-ubyte",
                mnist + "/train-labels-idx1-ubyte", 2);                 // index, label, features
        Dataset<Row> test = IdxFrames.read(spark, mnist + "/t10k-images-idx3-ubyte",
                mnist + "/t10k-labels-idx1-ubyte", 2);

        MnistMlpClassifier mlp = new MnistMlpClassifier()                   // other params: the `default` preset's
                .setEpochs(3).setSeed(42);
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {mlp}).fit(train);

        Dataset<Row> predictions = model.transform(test);
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
        System.out.printf(Locale.ROOT, "test accuracy: %.4f%n", accuracy);
        predictions.select("index", "label", "prediction", "probability").show(3, 60);
        model.write().overwrite().save(args[1]);                           // stage 0 is a plain model directory
        spark.stop();
    }
}
