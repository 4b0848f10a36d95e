package dev.sparkmnist.collective;

import dev.sparkmnist.exchange.Slice;
import dev.sparkmnist.nn.RowSums;
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
     * {@code sum[i]} = the parts' float sum for i in {@code [base, end)}: W1's rows ({@code [0, w1End)}) as
     * {@code rows} adds them up ({@link RowSums}, which the caller has given these parts, in order), one row at a
     * time; past W1, {@code parts[0][i] + parts[1][i] + ...} in the parts' order, one block at a time.
     * A range that starts or ends inside a W1 row takes that part of the whole row, made in {@code row}.
     */
    static void sumFloatsInOrder(Contribution[] parts, float[] sum, int base, int end, int w1End, int hidden,
                                 RowSums rows, float[] row) {
        int i = base;
        while (i < end) {
            if (i < w1End) {
                int r = i / hidden;
                int next = Math.min(end, Math.min(w1End, (r + 1) * hidden));
                if (next - i == hidden) {
                    rows.row(r, sum, i);
                } else {
                    rows.row(r, row, 0);
                    System.arraycopy(row, i - r * hidden, sum, i, next - i);
                }
                i = next;
                continue;
            }
            int next = Math.min(end, i + BLOCK);
            for (int p = 0; p < parts.length; p++) {
                parts[p].addFloats(sum, i, next, p == 0);
            }
            i = next;
        }
    }

    /** Values per block past W1's rows. */
    int BLOCK = 2048;

    /**
     * Adds this contribution's float values at positions {@code [from, to)} of the vector, past W1's rows, to
     * {@code total[from .. to)}, or with {@code first} sets them.
     */
    void addFloats(float[] total, int from, int to, boolean first);

    /** Gives {@code rows} this contribution's W1 rows as part {@code p} of their sum. */
    void addTo(RowSums rows, int p);

    /** The values themselves: {@code slice} holds positions {@code start ..} of the vector. */
    record Dense(Slice slice, int start) implements Contribution {
        @Override
        public void addFloats(float[] total, int from, int to, boolean first) {
            int v = slice.offset() - start + from;
            if (first) {
                System.arraycopy(floats(), v, total, from, to - from);
            } else {
                VectorMath.addTo(floats(), v, total, from, to - from);
            }
        }

        @Override
        public void addTo(RowSums rows, int p) {
            // vector position i is floats()[slice.offset() - start + i]; W1 starts at position 0
            rows.dense(p, floats(), slice.offset() - start);
        }

        private float[] floats() {
            if (slice.floats() == null) {
                throw new IllegalStateException("double values are summed in double");
            }
            return slice.floats();
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
        public void addFloats(float[] total, int from, int to, boolean first) {
            if (from < w1End) {
                throw new IllegalStateException("W1's rows are summed by RowSums");
            }
            tail.addFloats(total, from, to, first);
        }

        @Override
        public void addTo(RowSums sums, int p) {
            sums.sparse(p, rows);
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
