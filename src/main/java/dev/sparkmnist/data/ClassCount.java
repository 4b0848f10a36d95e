package dev.sparkmnist.data;

import java.util.List;

/**
 * How many classes K a model has, found from the data: the largest label plus one, or the number of class names
 * given, or the continued model's outputs; and the checks that every label of a file is one of those K classes.
 * IDX labels are unsigned bytes, so K is 2..{@value #MAX}.
 */
public final class ClassCount {
    /** Most classes an IDX labels file (one unsigned byte per label) can hold. */
    public static final int MAX = 256;

    private ClassCount() {
    }

    /** The largest label plus one: the classes {@code labels} need. */
    public static int span(byte[] labels) {
        int max = 0;
        for (byte b : labels) {
            max = Math.max(max, b & 0xff);
        }
        return max + 1;
    }

    /** The position of the first label of {@code labels} that is {@code classes} or more, or -1 when none is. */
    public static int firstOutside(byte[] labels, int classes) {
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xff) >= classes) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Refuses a labels file (named {@code file}) holding a label outside {@code 0..classes-1}, with one line that
     * says whose classes those are ({@code owner}, e.g. "the model models/default").
     */
    public static void requireWithin(byte[] labels, int classes, String file, String owner) {
        int i = firstOutside(labels, classes);
        if (i >= 0) {
            throw new IllegalArgumentException(String.format("%s: label %d at record %d is not one of the %d classes "
                    + "(labels 0..%d) of %s", file, labels[i] & 0xff, i, classes, classes - 1, owner));
        }
    }

    /**
     * The classes of a new model trained on data whose labels need {@code span} classes (largest label + 1):
     * {@code names.size()} when names are given ({@code namesSource} says where, for the message), else
     * {@code span}; at least 2.
     */
    public static int fromData(int span, List<String> names, String namesSource, String labelsFile) {
        if (names != null) {
            if (names.size() < span) {
                throw new IllegalArgumentException(String.format("%s: %d class names given, but %s has label %d, "
                        + "so the data has at least %d classes (labels 0..%d)", namesSource, names.size(), labelsFile,
                        span - 1, span, span - 1));
            }
            return requireAtLeastTwo(names.size(), namesSource + ": " + names.size() + " class name");
        }
        return requireAtLeastTwo(span, labelsFile + ": every label is 0");
    }

    private static int requireAtLeastTwo(int classes, String what) {
        if (classes < 2) {
            throw new IllegalArgumentException(what + "; a classifier needs at least 2 classes");
        }
        return classes;
    }
}
