package dev.sparkmnist.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.nn.ForwardPass;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.nn.Workspace;
import dev.sparkmnist.train.BatchAssembler;

/**
 * Predicts every record of a cached data set with one Spark job and counts the outcomes into a
 * {@link ConfusionMatrix}. Each partition runs the forward pass over its block in chunks.
 */
public final class Evaluator {
    private static final int CHUNK = 500;

    private Evaluator() {
    }

    /** The confusion matrix of {@code network} on all records of {@code blocks}. */
    public static ConfusionMatrix confusion(JavaSparkContext sc, JavaRDD<ImageBlock> blocks, Network network,
                                            InputScaling scaling) {
        Broadcast<Network> model = sc.broadcast(network);
        try {
            return blocks.map(block -> confusion(block, model.value(), scaling))
                    .reduce(ConfusionMatrix::plus);
        } finally {
            model.destroy();
        }
    }

    /** The confusion matrix of {@code network} on one block, on the calling thread. */
    public static ConfusionMatrix confusion(ImageBlock block, Network network, InputScaling scaling) {
        ConfusionMatrix m = ConfusionMatrix.empty(network.sizes().outputs());
        int[] predicted = predict(block, network, scaling);
        for (int j = 0; j < predicted.length; j++) {
            m.add(block.label(j), predicted[j]);
        }
        return m;
    }

    /** Predicted classes for consecutive records of one block; for reports that show individual digits. */
    public static int[] predict(ImageBlock block, Network network, InputScaling scaling) {
        int[] out = new int[block.count()];
        forEachPrediction(block, network, scaling, (j, predicted, probabilities, column) -> out[j] = predicted);
        return out;
    }

    /**
     * The confusion matrix of {@code network} on all records of {@code blocks}, plus the first
     * {@code maxMistakes} misclassified records (by position in the file) with their pixels and the model's
     * probabilities, for the run report. One Spark job, like {@link #confusion}.
     */
    public static Evaluation evaluate(JavaSparkContext sc, JavaRDD<ImageBlock> blocks, Network network,
                                      InputScaling scaling, int maxMistakes) {
        Broadcast<Network> model = sc.broadcast(network);
        try {
            return blocks.map(block -> evaluate(block, model.value(), scaling, maxMistakes))
                    .reduce((a, b) -> a.plus(b, maxMistakes));
        } finally {
            model.destroy();
        }
    }

    /** {@link #evaluate(JavaSparkContext, JavaRDD, Network, InputScaling, int)} for one block, on this thread. */
    public static Evaluation evaluate(ImageBlock block, Network network, InputScaling scaling, int maxMistakes) {
        ConfusionMatrix m = ConfusionMatrix.empty(network.sizes().outputs());
        List<Mistake> mistakes = new ArrayList<>();
        int d = block.pixelsPerImage();
        forEachPrediction(block, network, scaling, (j, predicted, probabilities, column) -> {
            int truth = block.label(j);
            m.add(truth, predicted);
            if (predicted != truth && mistakes.size() < maxMistakes) {
                int classes = network.sizes().outputs();
                mistakes.add(new Mistake(block.firstRecord() + j, truth, predicted,
                        probabilities[column * classes + predicted], probabilities[column * classes + truth],
                        Arrays.copyOfRange(block.pixels(), j * d, (j + 1) * d)));
            }
        });
        return new Evaluation(m, mistakes);
    }

    private static void forEachPrediction(ImageBlock block, Network network, InputScaling scaling,
                                          PredictionSink sink) {
        Workspace ws = new Workspace(network.sizes(), Math.min(CHUNK, block.count()));
        for (int first = 0; first < block.count(); first += CHUNK) {
            int n = Math.min(CHUNK, block.count() - first);
            BatchAssembler.fillRange(block, first, n, scaling, ws);
            ForwardPass.run(network, ws, n, false);
            for (int j = 0; j < n; j++) {
                sink.accept(first + j, ForwardPass.argmax(ws, j), ws.probabilities(), j);
            }
        }
    }

    /** Receives record {@code j}'s prediction; its probabilities are column {@code column} of the array. */
    @FunctionalInterface
    private interface PredictionSink {
        void accept(int j, int predicted, double[] probabilities, int column);
    }

    /**
     * A misclassified record.
     *
     * @param record          index of the record in its file
     * @param truth           the label
     * @param predicted       the model's most probable class
     * @param confidence      the probability the model gave {@code predicted}
     * @param truthProbability the probability it gave the true class
     * @param pixels          the image, one unsigned byte per pixel
     */
    public record Mistake(long record, int truth, int predicted, double confidence, double truthProbability,
                          byte[] pixels) implements Serializable {
    }

    /** A confusion matrix and the first misclassified records, ordered by record index. */
    public record Evaluation(ConfusionMatrix confusion, List<Mistake> mistakes) implements Serializable {
        /** Both evaluations together: summed counts, and the first {@code maxMistakes} mistakes of both. */
        public Evaluation plus(Evaluation other, int maxMistakes) {
            List<Mistake> all = new ArrayList<>(mistakes);
            all.addAll(other.mistakes);
            all.sort(Comparator.comparingLong(Mistake::record));
            return new Evaluation(confusion.plus(other.confusion),
                    List.copyOf(all.subList(0, Math.min(maxMistakes, all.size()))));
        }
    }
}
