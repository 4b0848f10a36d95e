package dev.sparkmnist.exchange;

/**
 * A run of {@code length} values of a float, double or int array from {@code offset}: what one message carries per
 * partition. Between members in one JVM the slice is a view of the sender's array (no copy); the exchange's
 * protocol guarantees the sender does not touch it again until the receiver is done (see {@link Mesh}). Exactly
 * one of the arrays is set.
 */
public record Slice(float[] floats, double[] doubles, int[] ints, int offset, int length) {
    public static Slice of(float[] a, int offset, int length) {
        return new Slice(a, null, null, offset, length);
    }

    public static Slice of(double[] a, int offset, int length) {
        return new Slice(null, a, null, offset, length);
    }

    public static Slice of(int[] a, int offset, int length) {
        return new Slice(null, null, a, offset, length);
    }

    /** The whole of {@code a}. */
    public static Slice of(float[] a) {
        return of(a, 0, a.length);
    }

    /** The whole of {@code a}. */
    public static Slice of(int[] a) {
        return of(a, 0, a.length);
    }

    /** The float values as an array of their own: the backing array itself when the slice is all of it. */
    public float[] floatArray() {
        return offset == 0 && length == floats.length ? floats
                : java.util.Arrays.copyOfRange(floats, offset, offset + length);
    }

    /** The int values as an array of their own: the backing array itself when the slice is all of it. */
    public int[] intArray() {
        return offset == 0 && length == ints.length ? ints
                : java.util.Arrays.copyOfRange(ints, offset, offset + length);
    }

    /**
     * An array holding the float values from its index 0 on: the backing array itself when the slice starts at 0
     * (in one JVM, a view of the sender's buffer, which may hold more values past the slice), else a copy.
     */
    public float[] floatsFromZero() {
        return offset == 0 ? floats : floatArray();
    }

    /** As {@link #floatsFromZero} for int values. */
    public int[] intsFromZero() {
        return offset == 0 ? ints : intArray();
    }

    /** Copies the float slice into {@code dst} from {@code to}. */
    public void copyTo(float[] dst, int to) {
        System.arraycopy(floats, offset, dst, to, length);
    }

    /** Copies the slice into {@code dst} from {@code to}. */
    public void copyTo(double[] dst, int to) {
        if (floats != null) {
            for (int i = 0; i < length; i++) {
                dst[to + i] = floats[offset + i];
            }
        } else {
            System.arraycopy(doubles, offset, dst, to, length);
        }
    }
}
