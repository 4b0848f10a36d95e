package dev.sparkmnist.bench;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.InputScaling;

/**
 * Spark MLlib's {@code MultilayerPerceptronClassifier} (sigmoid hidden layer, softmax output, L-BFGS, blockSize
 * 128) on the same cached blocks, as a DataFrame of (label, dense 0..1 features). To see when it reaches an
 * accuracy, it is fitted in chunks of {@code chunk} L-BFGS iterations, each starting from the previous chunk's
 * weights, and the test accuracy is measured after each chunk (evaluation time not counted). A chunk restarts
 * L-BFGS's curvature history; the cumulative fit time is what is reported.
 */
final class MlpcBench {
    private MlpcBench() {
    }

    static Dataset<Row> frame(SparkSession spark, JavaRDD<ImageBlock> blocks, InputScaling scaling) {
        StructType schema = new StructType(new StructField[] {
                DataTypes.createStructField("label", DataTypes.DoubleType, false),
                DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)});
        JavaRDD<Row> rows = blocks.flatMap(b -> rowsOf(b, scaling));
        return spark.createDataFrame(rows, schema);
    }

    private static Iterator<Row> rowsOf(ImageBlock b, InputScaling scaling) {
        List<Row> out = new ArrayList<>(b.count());
        int d = b.pixelsPerImage();
        for (int i = 0; i < b.count(); i++) {
            double[] x = new double[d];
            for (int k = 0; k < d; k++) {
                x[k] = scaling.apply(b.pixels()[i * d + k] & 0xff);
            }
            out.add(RowFactory.create((double) b.label(i), Vectors.dense(x)));
        }
        return out.iterator();
    }

    static Map<String, Object> run(SparkSession spark, Dataset<Row> train, Dataset<Row> test, int hidden,
                                   int maxIterations, int chunk, long seed) {
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
                .setMetricName("accuracy");
        List<AccuracyProbe.Checkpoint> points = new ArrayList<>();
        double fitSeconds = 0;
        double evalSeconds = 0;
        MultilayerPerceptronClassificationModel model = null;
        for (int done = 0; done < maxIterations; done += chunk) {
            int iters = Math.min(chunk, maxIterations - done);
            MultilayerPerceptronClassifier mlpc = new MultilayerPerceptronClassifier()
                    .setLayers(new int[] {784, hidden, 10})
                    .setSolver("l-bfgs")
                    .setBlockSize(128)
                    .setMaxIter(iters)
                    .setSeed(seed);
            if (model != null) {
                mlpc.setInitialWeights(model.weights());
            }
            long t0 = System.nanoTime();
            model = mlpc.fit(train);
            fitSeconds += (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            double acc = accuracy.evaluate(model.transform(test));
            evalSeconds += (System.nanoTime() - t1) / 1e9;
            points.add(new AccuracyProbe.Checkpoint(done + iters, done + iters, 0, fitSeconds, acc));
            System.err.printf("MLPC 784-%d-10: %d iterations, %.1f s, test accuracy %.4f%n", hidden, done + iters,
                    fitSeconds, acc);
        }
        AccuracyProbe.Checkpoint best = points.get(0);
        for (AccuracyProbe.Checkpoint c : points) {
            if (c.testAccuracy() > best.testAccuracy()) {
                best = c;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layers", "784-" + hidden + "-10");
        m.put("solver", "l-bfgs, blockSize 128, restarted every " + chunk + " iterations to measure accuracy");
        m.put("fitSeconds", fitSeconds);
        m.put("evalSeconds", evalSeconds);
        m.put("timeTo975", AccuracyProbe.timeTo(points, 0.975));
        m.put("timeTo980", AccuracyProbe.timeTo(points, 0.980));
        m.put("bestTestAccuracy", best.testAccuracy());
        m.put("timeToBest", best.trainSeconds());
        m.put("iterationsToBest", best.iteration());
        m.put("checkpoints", points);
        return m;
    }

    /** Caches {@code frame} and returns it after materialising it. */
    static Dataset<Row> cached(Dataset<Row> frame) {
        Dataset<Row> c = frame.persist(StorageLevel.MEMORY_ONLY());
        c.count();
        return c;
    }
}
