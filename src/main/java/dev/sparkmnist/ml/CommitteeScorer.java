package dev.sparkmnist.ml;

import java.io.Serializable;
import java.util.List;

import dev.sparkmnist.model.Combination;
import dev.sparkmnist.model.SavedCommittee;
import dev.sparkmnist.nn.BlockScorer;
import dev.sparkmnist.nn.ForwardPass;

/**
 * Scores blocks of images with every member of a committee ({@link BlockScorer} each, on the same float inputs) and
 * combines their probabilities as the committee says. With one member it is that member's {@link BlockScorer},
 * unchanged, so a single network scores exactly as before.
 */
final class CommitteeScorer {
    private final BlockScorer[] members;
    private final Combination combination;
    private final double[][] memberProbabilities;
    private final double[] combined;
    private final int classes;
    /** The inputs of the block, column per image: the first member's, copied to the others before scoring. */
    final float[] x;

    /** What a Spark job broadcasts: every member's scoring weights and the combination. */
    record Weights(List<BlockScorer.Weights> members, Combination combination) implements Serializable {
        private static final long serialVersionUID = 1L;

        static Weights of(SavedCommittee committee) {
            return new Weights(committee.networks().stream().map(BlockScorer.Weights::of).toList(),
                    committee.combination());
        }
    }

    CommitteeScorer(Weights weights, float background, int capacity) {
        int k = weights.members().size();
        members = new BlockScorer[k];
        for (int i = 0; i < k; i++) {
            members[i] = new BlockScorer(weights.members().get(i), background, capacity);
        }
        combination = weights.combination();
        classes = members[0].classes();
        memberProbabilities = new double[k][];
        combined = k > 1 ? new double[classes * capacity] : null;
        x = members[0].x;
    }

    int capacity() {
        return members[0].capacity();
    }

    /** As {@link BlockScorer#setPixels}. */
    void setPixels(int column, byte[] pixels, int from, double factor, double offset) {
        members[0].setPixels(column, pixels, from, factor, offset);
    }

    /** Scores the first {@code n} columns of {@link #x} with every member and combines. */
    void score(int n) {
        members[0].score(n);
        if (members.length == 1) {
            return;
        }
        int inputs = x.length / capacity();
        for (int i = 1; i < members.length; i++) {
            System.arraycopy(x, 0, members[i].x, 0, n * inputs);
            members[i].score(n);
        }
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < members.length; i++) {
                memberProbabilities[i] = members[i].probabilities(j);
            }
            combination.combine(memberProbabilities, 0, classes, combined, j * classes);
        }
    }

    /** Image {@code j}'s combined probabilities, a new array. */
    double[] probabilities(int j) {
        return members.length == 1 ? members[0].probabilities(j)
                : java.util.Arrays.copyOfRange(combined, j * classes, (j + 1) * classes);
    }

    /** Image {@code j}'s most probable class under the combination (the first of equals). */
    int predicted(int j) {
        return members.length == 1 ? members[0].predicted(j) : ForwardPass.argmax(probabilities(j));
    }
}
