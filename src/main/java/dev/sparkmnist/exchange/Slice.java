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

    /**
     * {@code sum[i] = 0.0 + pieces[0][i] + pieces[1][i] + ...}, added in the pieces' order for every i, exactly as
     * zeroing {@code sum} and adding each piece to it in turn would, but a block of {@code sum} at a
     * time, so that it stays in the cache while all pieces are added to it. Every piece is as long as {@code sum}.
     */
    public static void sumInOrder(Slice[] pieces, double[] sum) {
        int n = sum.length;
        for (int from = 0; from < n; from += BLOCK) {
            int to = Math.min(n, from + BLOCK);
            for (int k = 0; k < pieces.length; k++) {
                pieces[k].addBlock(sum, from, to, k == 0);
            }
        }
    }

    private static final int BLOCK = 2048;

    /** {@code sum[i] (+)= this[i]} for i in [from, to); the first piece starts each sum from 0.0. */
    private void addBlock(double[] sum, int from, int to, boolean first) {
        int d = offset;
        if (floats != null) {
            if (first) {
                for (int i = from; i < to; i++) {
                    sum[i] = 0.0 + floats[d + i];
                }
            } else {
                for (int i = from; i < to; i++) {
                    sum[i] += floats[d + i];
                }
            }
        } else if (first) {
            for (int i = from; i < to; i++) {
                sum[i] = 0.0 + doubles[d + i];
            }
        } else {
            for (int i = from; i < to; i++) {
                sum[i] += doubles[d + i];
            }
        }
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
