package dev.sparkmnist.ml;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.nn.BlockScorer;

/**
 * {@code predict}'s path for an IDX file: the file's blocks of pixel bytes (as {@link IdxFrames} reads them) scored
 * {@value #BLOCK} images at a time straight from the bytes, with no feature vectors in between. The rows are those
 * the spark.ml {@code transform} of {@link IdxFrames#read} gives, without the features: {@code index},
 * {@code label} (with labels), {@code probability} and {@code prediction}, with the same probabilities (the same
 * {@link BlockScorer} on the same float inputs, over the same partitions).
 */
public final class IdxScoring {
    private static final int BLOCK = BlockTransform.BLOCK;

    private IdxScoring() {
    }

    /** The scored rows of {@code images} (and {@code labels}, which may be null) in at most {@code partitions}. */
    public static Dataset<Row> score(SparkSession spark, MnistMlpClassificationModel model, String images,
                                     String labels, int partitions) {
        boolean labelled = labels != null;
        InputScaling s = model.scaling();
        JavaRDD<Row> rows = IdxFrames.blocks(spark, images, labels, partitions, model.numClasses())
                .flatMap(new ScoreBlock(model.weights(spark.sparkContext()), s.factor(), s.offset(), labelled));
        List<StructField> fields = new ArrayList<>();
        for (StructField f : IdxFrames.schema(labelled).fields()) {
            if (!f.name().equals(IdxFrames.FEATURES)) {
                fields.add(f);
            }
        }
        fields.add(DataTypes.createStructField(model.getProbabilityCol(), SQLDataTypes.VectorType(), false));
        fields.add(DataTypes.createStructField(model.getPredictionCol(), DataTypes.DoubleType, false));
        return spark.createDataFrame(rows, DataTypes.createStructType(fields));
    }

    /** Scores one block's images in runs of {@value #BLOCK}, producing their rows as they are asked for. */
    private record ScoreBlock(Broadcast<CommitteeScorer.Weights> weights, double factor, double offset, boolean labelled)
            implements FlatMapFunction<ImageBlock, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Row> call(ImageBlock block) {
            CommitteeScorer scorer = new CommitteeScorer(weights.value(), (float) offset, BLOCK);
            int d = block.pixelsPerImage();
            return new Iterator<>() {
                private int first;
                private int scored;
                private int next;

                @Override
                public boolean hasNext() {
                    return first + next < block.count();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    if (next == scored) {
                        first += scored;
                        next = 0;
                        scored = Math.min(BLOCK, block.count() - first);
                        for (int j = 0; j < scored; j++) {
                            scorer.setPixels(j, block.pixels(), (first + j) * d, factor, offset);
                        }
                        scorer.score(scored);
                    }
                    int j = next++;
                    long index = block.firstRecord() + first + j;
                    DenseVector p = new DenseVector(scorer.probabilities(j));
                    double predicted = scorer.predicted(j);
                    return labelled ? RowFactory.create(index, (double) block.label(first + j), p, predicted)
                            : RowFactory.create(index, p, predicted);
                }
            };
        }
    }
}
