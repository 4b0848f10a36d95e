package dev.sparkmnist.eval;

import java.io.Serializable;
import java.util.Locale;

import dev.sparkmnist.data.ClassNames;

/**
 * Counts of (true class, predicted class) pairs; rows are true classes, columns predictions. Accuracy and
 * per-class accuracy derive from it, and two matrices add, so partitions can count separately.
 */
public record ConfusionMatrix(int classes, long[] counts) implements Serializable {

    public ConfusionMatrix {
        if (counts.length != classes * classes) {
            throw new IllegalArgumentException("counts must be classes^2 long");
        }
    }

    public static ConfusionMatrix empty(int classes) {
        return new ConfusionMatrix(classes, new long[classes * classes]);
    }

    public long count(int truth, int predicted) {
        return counts[truth * classes + predicted];
    }

    void add(int truth, int predicted) {
        counts[truth * classes + predicted]++;
    }

    /** The element-wise sum; neither input changes. */
    public ConfusionMatrix plus(ConfusionMatrix other) {
        long[] sum = counts.clone();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += other.counts[i];
        }
        return new ConfusionMatrix(classes, sum);
    }

    public long total() {
        long t = 0;
        for (long c : counts) {
            t += c;
        }
        return t;
    }

    public long correct() {
        long c = 0;
        for (int k = 0; k < classes; k++) {
            c += count(k, k);
        }
        return c;
    }

    /** Fraction of samples classified correctly. */
    public double accuracy() {
        long t = total();
        return t == 0 ? 0 : (double) correct() / t;
    }

    /**
     * Fraction of the samples of class {@code k} classified as {@code k} (recall); NaN when the set has no sample of
     * class {@code k}, which the tables, {@code metrics.json} and the report show as n/a.
     */
    public double classAccuracy(int k) {
        long row = 0;
        for (int p = 0; p < classes; p++) {
            row += count(k, p);
        }
        return row == 0 ? Double.NaN : (double) count(k, k) / row;
    }

    /** The matrix as rows of counts, for JSON and charts. */
    public long[][] rows() {
        long[][] r = new long[classes][classes];
        for (int t = 0; t < classes; t++) {
            for (int p = 0; p < classes; p++) {
                r[t][p] = count(t, p);
            }
        }
        return r;
    }

    /**
     * A fixed-width table: counts, then each class's accuracy. Rows carry the class names (cut to 12 characters);
     * columns the names when all fit in 6 characters, else the class numbers.
     */
    public String toTable(ClassNames names) {
        boolean shortNames = true;
        for (int k = 0; k < classes; k++) {
            shortNames &= names.name(k).length() <= 6;
        }
        String[] rowLabels = new String[classes];
        int rowWidth = 9;
        for (int k = 0; k < classes; k++) {
            String name = names.name(k).length() > 12 ? names.name(k).substring(0, 12) : names.name(k);
            rowLabels[k] = shortNames ? name : k + " " + name;
            rowWidth = Math.max(rowWidth, rowLabels[k].length());
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%" + rowWidth + "s", "true\\pred"));
        for (int p = 0; p < classes; p++) {
            sb.append(String.format(Locale.ROOT, "%7s", shortNames ? names.name(p) : Integer.toString(p)));
        }
        sb.append("   accuracy\n");
        for (int t = 0; t < classes; t++) {
            sb.append(String.format(Locale.ROOT, "%" + rowWidth + "s", rowLabels[t]));
            for (int p = 0; p < classes; p++) {
                sb.append(String.format(Locale.ROOT, "%7d", count(t, p)));
            }
            double accuracy = classAccuracy(t);
            sb.append(Double.isNaN(accuracy) ? String.format(Locale.ROOT, "   %8s%n", "n/a")
                    : String.format(Locale.ROOT, "   %7.2f%%%n", 100 * accuracy));
        }
        return sb.toString();
    }
}
