package dev.sparkmnist.collective;

import dev.sparkmnist.exchange.Slice;
import dev.sparkmnist.nn.SparseRows;

/**
 * One partition's contribution to a slice owner's sum, as the owner sees it: the values themselves
 * ({@link Dense}, a slice of the partition's vector), or a float gradient whose W1 rows come as
 * {@link SparseRows} ({@link Rows}), which the owner computes one row at a time, in the cache, right before adding
 * it: the gradient is never written out whole, nor read back, nor sent (about 100 KB instead of 1.6 MB per
 * partition for MNIST's default model). Either way the owner adds the same float values in the same order.
 */
interface Contribution {

    /**
     * {@code sum[i - base] = 0.0 + parts[0][i] + parts[1][i] + ...} for i in {@code [base, base + sum.length)},
     * added in the parts' order for every i, exactly as zeroing {@code sum} and adding each part in turn would, but
     * one W1 row (or, past W1, one block) at a time, so that the row stays in the cache while every part is added.
     */
    static void sumInOrder(Contribution[] parts, double[] sum, int base, int w1End, int hidden, float[] scratch) {
        sumInOrder(parts, sum, base, base + sum.length, w1End, hidden, scratch);
    }

    /** As above for positions {@code [base, end)} only, into {@code sum[0 .. end - base)}. */
    static void sumInOrder(Contribution[] parts, double[] sum, int base, int end, int w1End, int hidden,
                           float[] scratch) {
        int i = base;
        while (i < end) {
            int next = i < w1End ? Math.min(end, Math.min(w1End, (i / hidden + 1) * hidden))
                    : Math.min(end, i + BLOCK);
            for (int p = 0; p < parts.length; p++) {
                parts[p].add(sum, base, i, next, p == 0, scratch);
            }
            i = next;
        }
    }

    /** Values per block past W1's rows. */
    int BLOCK = 2048;

    /**
     * {@code sum[s + k] (+)= values[v + k]} for k in {@code [0, length)}; with {@code first}, {@code 0.0 + value}.
     * (Java 17's JIT does not vectorise the widening; the Vector API's float-to-double conversion was measured 3x
     * slower still, not intrinsified there.)
     */
    static void addFloats(float[] values, int v, double[] sum, int s, int length, boolean first) {
        if (first) {
            for (int k = 0; k < length; k++) {
                sum[s + k] = 0.0 + values[v + k];
            }
        } else {
            for (int k = 0; k < length; k++) {
                sum[s + k] += values[v + k];
            }
        }
    }

    /**
     * Adds this contribution's values at positions {@code [from, to)} of the vector to {@code sum[from - base ..]},
     * or with {@code first} sets them ({@code 0.0 + value}, as adding to a zeroed sum). A range lies within one W1
     * row or past W1; {@code scratch} holds at least a row.
     */
    void add(double[] sum, int base, int from, int to, boolean first, float[] scratch);

    /** The values themselves: {@code slice} holds positions {@code start ..} of the vector. */
    record Dense(Slice slice, int start) implements Contribution {
        @Override
        public void add(double[] sum, int base, int from, int to, boolean first, float[] scratch) {
            int at = slice.offset() - start + from;
            if (slice.floats() != null) {
                addFloats(slice.floats(), at, sum, from - base, to - from, first);
                return;
            }
            double[] v = slice.doubles();
            int s = from - base;
            if (first) {
                for (int k = 0; k < to - from; k++) {
                    sum[s + k] = 0.0 + v[at + k];
                }
            } else {
                for (int k = 0; k < to - from; k++) {
                    sum[s + k] += v[at + k];
                }
            }
        }
    }

    /**
     * A float gradient whose W1 rows ({@code [0, w1End)}, {@code rows.hidden()} values each) are {@code rows} and
     * whose values from {@code w1End} on are {@code tail}.
     */
    record Rows(SparseRows rows, int w1End, Dense tail) implements Contribution {
        @Override
        public void add(double[] sum, int base, int from, int to, boolean first, float[] scratch) {
            if (from >= w1End) {
                tail.add(sum, base, from, to, first, scratch);
                return;
            }
            int h = rows.hidden();
            int row = from / h;
            rows.row(row, scratch);
            addFloats(scratch, from - row * h, sum, from - base, to - from, first);
        }

        /** The slices that carry this contribution between tasks: tail, row start, delta, values, then indices. */
        Slice[] encode() {
            return new Slice[] {tail.slice(), Slice.of(rows.rowStart()), Slice.of(rows.delta()),
                    Slice.of(rows.sampleValue()), Slice.of(rows.columnStart()), Slice.of(rows.sample())};
        }

        /** The contribution {@link #encode} sent, from {@code slices[at .. at + SLICES)}. */
        static Rows decode(Slice[] slices, int at, int hidden, int w1End) {
            SparseRows r = new SparseRows(hidden, slices[at + 4].intArray(), slices[at + 5].intArray(),
                    slices[at + 3].floatArray(), slices[at + 2].floatArray(), slices[at + 1].floatArray());
            return new Rows(r, w1End, new Dense(slices[at], w1End));
        }

        /** Slices per encoded contribution. */
        static final int SLICES = 6;
    }
}
