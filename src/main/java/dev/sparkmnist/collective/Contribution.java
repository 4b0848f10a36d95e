package dev.sparkmnist.collective;

import dev.sparkmnist.exchange.Slice;
import dev.sparkmnist.nn.SparseRows;
import dev.sparkmnist.nn.VectorMath;
import dev.sparkmnist.train.PartitionResult;

/**
 * One partition's contribution to a slice owner's sum, as the owner sees it: the values themselves
 * ({@link Dense}, a slice of the partition's vector), or a float gradient whose W1 rows come as
 * {@link SparseRows} ({@link Rows}), which the owner computes one row at a time, in the cache, right before adding
 * it: the gradient is never written out whole, nor read back, nor sent (about 100 KB instead of 1.6 MB per
 * partition for MNIST's default model). Either way the owner adds the same values in the same order.
 *
 * <p>Two arithmetics, the same as the job-per-round engine's driver uses ({@link PartitionResult#sumInOrder}):
 * double values and local SGD's float models are added in double ({@link #sumInOrder}); float gradients are added
 * in float, in partition order ({@link #sumFloatsInOrder}), for the float update that follows (one vector add per
 * value and partition instead of a widening add, which Java 17's JIT does not vectorise).
 */
interface Contribution {

    /**
     * {@code sum[i - base] = parts[0][i] + parts[1][i] + ...} in double for i in {@code [base, end)}, added in the
     * parts' order (each a {@link Dense}), one block at a time.
     */
    static void sumInOrder(Contribution[] parts, double[] sum, int base, int end) {
        for (int i = base; i < end; i += BLOCK) {
            int next = Math.min(end, i + BLOCK);
            for (int p = 0; p < parts.length; p++) {
                ((Dense) parts[p]).add(sum, base, i, next, p == 0);
            }
        }
    }

    /**
     * {@code sum[i] = parts[0][i] + parts[1][i] + ...} in float for i in {@code [base, end)}, added in the
     * parts' order for every i, exactly as adding each whole part in turn would, but one W1 row (or, past W1, one
     * block) at a time, so that the row stays in the cache while every part is added; {@code row} holds at least a
     * W1 row.
     */
    static void sumFloatsInOrder(Contribution[] parts, float[] sum, int base, int end, int w1End, int hidden,
                                 float[] row) {
        int i = base;
        while (i < end) {
            int next = i < w1End ? Math.min(end, Math.min(w1End, (i / hidden + 1) * hidden))
                    : Math.min(end, i + BLOCK);
            for (int p = 0; p < parts.length; p++) {
                parts[p].addFloats(sum, i, i, next, p == 0, row);
            }
            i = next;
        }
    }

    /** Values per block past W1's rows. */
    int BLOCK = 2048;

    /** {@code total[at + k] (+)= values[v + k]} for k in {@code [0, length)}: set with {@code first}, else added. */
    static void addFloats(float[] values, int v, float[] total, int at, int length, boolean first) {
        if (first) {
            System.arraycopy(values, v, total, at, length);
        } else {
            VectorMath.addTo(values, v, total, at, length);
        }
    }

    /**
     * Adds this contribution's float values at positions {@code [from, to)} of the vector to
     * {@code total[at .. at + to - from)}, or with {@code first} sets them. A range lies within one W1 row or past
     * W1; {@code row} holds at least a row.
     */
    void addFloats(float[] total, int at, int from, int to, boolean first, float[] row);

    /** The values themselves: {@code slice} holds positions {@code start ..} of the vector. */
    record Dense(Slice slice, int start) implements Contribution {
        @Override
        public void addFloats(float[] total, int at, int from, int to, boolean first, float[] row) {
            if (slice.floats() == null) {
                throw new IllegalStateException("double values are summed in double");
            }
            Contribution.addFloats(slice.floats(), slice.offset() - start + from, total, at, to - from, first);
        }

        /**
         * Adds the values at positions {@code [from, to)} to {@code sum[from - base ..]} in double, or with
         * {@code first} sets them ({@code 0.0 + value}, as adding to a zeroed sum).
         */
        void add(double[] sum, int base, int from, int to, boolean first) {
            int at = slice.offset() - start + from;
            int s = from - base;
            float[] f = slice.floats();
            double[] d = slice.doubles();
            for (int k = 0; k < to - from; k++) {
                double v = f != null ? f[at + k] : d[at + k];
                sum[s + k] = first ? 0.0 + v : sum[s + k] + v;
            }
        }
    }

    /**
     * A float gradient whose W1 rows ({@code [0, w1End)}, {@code rows.hidden()} values each) are {@code rows} and
     * whose values from {@code w1End} on are {@code tail}.
     */
    record Rows(SparseRows rows, int w1End, Dense tail) implements Contribution {
        @Override
        public void addFloats(float[] total, int at, int from, int to, boolean first, float[] row) {
            if (from >= w1End) {
                tail.addFloats(total, at, from, to, first, row);
                return;
            }
            int h = rows.hidden();
            int r = from / h;
            if (to - from == h) {
                if (first) {
                    rows.row(r, total, at);
                } else {
                    rows.addRow(r, total, at);
                }
                return;
            }
            rows.row(r, row, 0);
            Contribution.addFloats(row, from - r * h, total, at, to - from, first);
        }

        /** The slices that carry this contribution between tasks: tail, row start, delta, values, then indices. */
        Slice[] encode() {
            int entries = rows.entries();
            return new Slice[] {tail.slice(), Slice.of(rows.rowStart()),
                    Slice.of(rows.delta(), 0, rows.hidden() * rows.samples()), Slice.of(rows.sampleValue(), 0, entries),
                    Slice.of(rows.columnStart()), Slice.of(rows.sample(), 0, entries)};
        }

        /** The contribution {@link #encode} sent, from {@code slices[at .. at + SLICES)}. */
        static Rows decode(Slice[] slices, int at, int hidden, int w1End) {
            // the arrays may be longer than what they hold (reused buffers): columnStart says how many entries
            SparseRows r = new SparseRows(hidden, slices[at + 4].intArray(), slices[at + 5].intsFromZero(),
                    slices[at + 3].floatsFromZero(), slices[at + 2].floatsFromZero(), slices[at + 1].floatArray(),
                    slices[at + 2].length() / hidden);
            return new Rows(r, w1End, new Dense(slices[at], w1End));
        }

        /** Slices per encoded contribution. */
        static final int SLICES = 6;
    }
}
