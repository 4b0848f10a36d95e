package dev.sparkmnist.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a committee turns its members' class probabilities into its own: the mean of the probabilities, or the mean
 * of the log-probabilities turned back into probabilities (a normalised geometric mean, which lets a member that
 * is sure a class is wrong veto it). Either way the committee predicts the class of largest combined probability.
 */
public enum Combination {
    MEAN_PROBABILITY("mean-probability"),
    MEAN_LOG_PROBABILITY("mean-log-probability");

    private final String word;

    Combination(String word) {
        this.word = word;
    }

    /** The name in {@code model.json}. */
    public String word() {
        return word;
    }

    /** The combination called {@code word}; an {@link IllegalArgumentException} naming the known ones otherwise. */
    public static Combination parse(String word) {
        for (Combination c : values()) {
            if (c.word.equals(word)) {
                return c;
            }
        }
        throw new IllegalArgumentException("combination must be one of " + Arrays.stream(values())
                .map(Combination::word).toList() + ", got '" + word + "'");
    }

    /**
     * Combines record {@code column}'s probabilities: {@code members[i][column * classes + k]} is member i's
     * probability of class k; the committee's go to {@code out[outAt + k]}. A single member's are copied unchanged.
     */
    public void combine(double[][] members, int column, int classes, double[] out, int outAt) {
        int at = column * classes;
        if (members.length == 1) {
            System.arraycopy(members[0], at, out, outAt, classes);
            return;
        }
        double inv = 1.0 / members.length;
        if (this == MEAN_PROBABILITY) {
            for (int k = 0; k < classes; k++) {
                double s = 0;
                for (double[] m : members) {
                    s += m[at + k];
                }
                out[outAt + k] = s * inv;
            }
            return;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            double s = 0;
            for (double[] m : members) {
                s += Math.log(m[at + k]);
            }
            out[outAt + k] = s * inv;
            max = Math.max(max, out[outAt + k]);
        }
        double total = 0;
        for (int k = 0; k < classes; k++) {
            out[outAt + k] = Math.exp(out[outAt + k] - max);
            total += out[outAt + k];
        }
        for (int k = 0; k < classes; k++) {
            out[outAt + k] /= total;
        }
    }

    @Override
    public String toString() {
        return word.toLowerCase(Locale.ROOT);
    }
}
