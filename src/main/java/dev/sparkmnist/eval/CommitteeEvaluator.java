package dev.sparkmnist.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.model.Combination;
import dev.sparkmnist.nn.ForwardPass;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.nn.Workspace;
import dev.sparkmnist.train.BatchAssembler;

/**
 * Scores a data set with every member of a committee in one Spark job and counts, at once, each member's outcomes
 * and the committee's under every {@link Combination}, so the combinations are compared on the very same
 * probabilities. Each member runs the double forward pass {@link Evaluator} runs, so a member's counts equal
 * {@code Evaluator.confusion} of that network alone.
 */
public final class CommitteeEvaluator {
    private static final int CHUNK = 500;

    private CommitteeEvaluator() {
    }

    /**
     * Each member's confusion matrix and the committee's evaluation under every combination.
     *
     * @param members  the committee's confusion matrix of each member, in order
     * @param committee the committee's confusion and first mistakes, by combination
     */
    public record Result(List<ConfusionMatrix> members, Map<Combination, Evaluator.Evaluation> committee)
            implements Serializable {
        Result plus(Result other, int maxMistakes) {
            List<ConfusionMatrix> m = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
                m.add(members.get(i).plus(other.members.get(i)));
            }
            Map<Combination, Evaluator.Evaluation> c = new EnumMap<>(Combination.class);
            committee.forEach((k, v) -> c.put(k, v.plus(other.committee.get(k), maxMistakes)));
            return new Result(m, c);
        }
    }

    /** {@code networks} on every record of {@code blocks}, keeping the first {@code maxMistakes} mistakes. */
    public static Result evaluate(JavaSparkContext sc, JavaRDD<ImageBlock> blocks, List<Network> networks,
                                  InputScaling scaling, int maxMistakes) {
        Broadcast<List<Network>> model = sc.broadcast(List.copyOf(networks));
        try {
            return blocks.map(block -> evaluate(block, model.value(), scaling, maxMistakes))
                    .reduce((a, b) -> a.plus(b, maxMistakes));
        } finally {
            model.destroy();
        }
    }

    /** {@link #evaluate(JavaSparkContext, JavaRDD, List, InputScaling, int)} for one block, on this thread. */
    public static Result evaluate(ImageBlock block, List<Network> networks, InputScaling scaling, int maxMistakes) {
        int k = networks.size();
        int classes = networks.get(0).sizes().outputs();
        int d = block.pixelsPerImage();
        int capacity = Math.max(1, Math.min(CHUNK, block.count()));
        Workspace[] ws = new Workspace[k];
        double[][] probabilities = new double[k][];
        List<ConfusionMatrix> members = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            ws[i] = new Workspace(networks.get(i).sizes(), capacity);
            members.add(ConfusionMatrix.empty(classes));
        }
        Map<Combination, ConfusionMatrix> counts = new EnumMap<>(Combination.class);
        Map<Combination, List<Evaluator.Mistake>> mistakes = new EnumMap<>(Combination.class);
        for (Combination c : Combination.values()) {
            counts.put(c, ConfusionMatrix.empty(classes));
            mistakes.put(c, new ArrayList<>());
        }
        double[] combined = new double[classes];
        for (int first = 0; first < block.count(); first += CHUNK) {
            int n = Math.min(CHUNK, block.count() - first);
            for (int i = 0; i < k; i++) {
                BatchAssembler.fillRange(block, first, n, scaling, ws[i]);
                ForwardPass.run(networks.get(i), ws[i], n, false);
                probabilities[i] = ws[i].probabilities();
            }
            for (int j = 0; j < n; j++) {
                int truth = block.label(first + j);
                for (int i = 0; i < k; i++) {
                    members.get(i).add(truth, ForwardPass.argmax(ws[i], j));
                }
                for (Combination c : Combination.values()) {
                    c.combine(probabilities, j, classes, combined, 0);
                    int predicted = ForwardPass.argmax(combined);
                    counts.get(c).add(truth, predicted);
                    List<Evaluator.Mistake> list = mistakes.get(c);
                    if (predicted != truth && list.size() < maxMistakes) {
                        int r = first + j;
                        list.add(new Evaluator.Mistake(block.firstRecord() + r, truth, predicted, combined[predicted],
                                combined[truth], Arrays.copyOfRange(block.pixels(), r * d, (r + 1) * d)));
                    }
                }
            }
        }
        Map<Combination, Evaluator.Evaluation> committee = new EnumMap<>(Combination.class);
        for (Combination c : Combination.values()) {
            committee.put(c, new Evaluator.Evaluation(counts.get(c), mistakes.get(c)));
        }
        return new Result(members, committee);
    }
}
