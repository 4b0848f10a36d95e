package dev.sparkmnist.exchange;

/**
 * A run of {@code length} values of a float or a double array from {@code offset}: what one message carries per
 * partition. Between members in one JVM the slice is a view of the sender's array (no copy); the exchange's
 * protocol guarantees the sender does not touch it again until the receiver is done (see {@link Mesh}).
 */
public record Slice(float[] floats, double[] doubles, int offset, int length) {
    public static Slice of(float[] a, int offset, int length) {
        return new Slice(a, null, offset, length);
    }

    public static Slice of(double[] a, int offset, int length) {
        return new Slice(null, a, offset, length);
    }

    /** {@code sum[to + i] += this[i]} for every i, in index order. */
    public void addTo(double[] sum, int to) {
        if (floats != null) {
            for (int i = 0; i < length; i++) {
                sum[to + i] += floats[offset + i];
            }
        } else {
            for (int i = 0; i < length; i++) {
                sum[to + i] += doubles[offset + i];
            }
        }
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
