package dev.sparkmnist.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

import dev.sparkmnist.nn.BlockScorer;

/**
 * The partition-level transform behind {@link MnistMlpClassificationModel#transform}: each task gathers
 * {@value #BLOCK} rows at a time, scores them with one {@link BlockScorer} pass (a matrix product per layer) and
 * appends the requested columns (raw prediction, probability, prediction) to each row, in that order, as spark.ml's
 * own transform does. The weights come from a broadcast, so the model reaches each executor once, not inside every
 * task.
 */
final class BlockTransform {
    /** Rows scored together: enough for the products to run at full speed, small enough to stay in cache. */
    static final int BLOCK = 256;

    private BlockTransform() {
    }

    /**
     * What a task needs besides the weights: where the features are, how their values become network inputs, which
     * columns to append, and spark.ml's {@code thresholds} (null when unset).
     */
    record Spec(int featuresIndex, String featuresCol, FeatureRange range, double factor, double offset,
                boolean raw, boolean probability, boolean prediction, double[] thresholds) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** {@code data} with the columns of {@code spec} appended; {@code schema} is the output schema. */
    static Dataset<Row> apply(Dataset<Row> data, StructType schema, Broadcast<CommitteeScorer.Weights> weights,
                              Spec spec) {
        Dataset<Row> scored = data.mapPartitions(new ScorePartition(weights, spec), Encoders.row(schema));
        for (int i = data.schema().size(); i < schema.size(); i++) { // the row encoder drops column metadata
            scored = scored.withMetadata(schema.fields()[i].name(), schema.fields()[i].metadata());
        }
        return scored;
    }

    private record ScorePartition(Broadcast<CommitteeScorer.Weights> weights, Spec spec)
            implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            return new Scored(rows, new CommitteeScorer(weights.value(), (float) spec.offset(), BLOCK), spec);
        }
    }

    /** The rows of one partition, read and scored a block at a time as the consumer asks for them. */
    private static final class Scored implements Iterator<Row> {
        private final Iterator<Row> in;
        private final CommitteeScorer scorer;
        private final Spec spec;
        private final int inputs;
        private final List<Row> block = new ArrayList<>(BLOCK);
        private int next;

        Scored(Iterator<Row> in, CommitteeScorer scorer, Spec spec) {
            this.in = in;
            this.scorer = scorer;
            this.spec = spec;
            this.inputs = scorer.x.length / scorer.capacity();
        }

        @Override
        public boolean hasNext() {
            if (next < block.size()) {
                return true;
            }
            block.clear();
            next = 0;
            while (block.size() < BLOCK && in.hasNext()) {
                Row row = in.next();
                setInputs(block.size(), row);
                block.add(row);
            }
            if (!block.isEmpty()) {
                scorer.score(block.size());
            }
            return !block.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int j = next++;
            Row row = block.get(j);
            Object[] values = new Object[row.size() + (spec.raw() ? 1 : 0) + (spec.probability() ? 1 : 0)
                    + (spec.prediction() ? 1 : 0)];
            int at = 0;
            for (; at < row.size(); at++) {
                values[at] = row.get(at);
            }
            double[] p = scorer.probabilities(j);
            DenseVector probability = new DenseVector(p);
            if (spec.raw()) {
                values[at++] = probability; // the raw scores are the probabilities (see the model's comment)
            }
            if (spec.probability()) {
                values[at++] = probability;
            }
            if (spec.prediction()) {
                values[at] = (double) (spec.thresholds() == null ? scorer.predicted(j)
                        : withThresholds(p, spec.thresholds()));
            }
            return RowFactory.create(values);
        }

        /** Column {@code column} of the scorer's inputs from {@code row}'s features, checked as spark.ml's rows are. */
        private void setInputs(int column, Row row) {
            String name = "featuresCol '" + spec.featuresCol() + "'";
            if (row.isNullAt(spec.featuresIndex())) {
                throw new BadInputException(name + ": null features");
            }
            Vector v = row.getAs(spec.featuresIndex());
            if (v.size() != inputs) {
                throw new BadInputException(String.format("%s: a vector of %d values; the model takes %d", name,
                        v.size(), inputs));
            }
            float[] x = scorer.x;
            int at = column * inputs;
            if (v instanceof SparseVector s) {
                float zero = input(0);
                java.util.Arrays.fill(x, at, at + inputs, zero);
                int[] indices = s.indices();
                double[] values = s.values();
                for (int e = 0; e < indices.length; e++) {
                    x[at + indices[e]] = checked(name, values[e], indices[e]);
                }
            } else {
                double[] values = v.toArray();
                for (int k = 0; k < inputs; k++) {
                    x[at + k] = checked(name, values[k], k);
                }
            }
        }

        private float checked(String name, double value, int element) {
            if (!Double.isFinite(value)) {
                throw new BadInputException(String.format("%s: value %s at element %d", name, value, element));
            }
            return input(value);
        }

        /** The network input for a feature value: its pixel value under the input scaling, rounded to float. */
        private float input(double value) {
            return (float) (spec.range().pixel(value) * spec.factor() + spec.offset());
        }
    }

    /**
     * spark.ml's prediction under {@code thresholds}: the class with the largest probability / threshold (a zero
     * threshold makes its class win unless its probability is zero too).
     */
    static int withThresholds(double[] probability, double[] thresholds) {
        int best = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < probability.length; k++) {
            double scaled = probability[k] / thresholds[k];
            if (scaled > max) {
                max = scaled;
                best = k;
            }
        }
        return best;
    }
}
