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
 * double values and local SGD's float models are added in double; float gradients are added in float, in
 * partition order, and the total is widened to double once (one vector add per value and partition instead of a
 * widening add, which Java 17's JIT does not vectorise).
 */
interface Contribution {

    /**
     * {@code sum[i - base] = parts[0][i] + parts[1][i] + ...} for i in {@code [base, end)}, added in the parts'
     * order for every i (in float when {@code floatSum}, see above), exactly as adding each whole part in turn
     * would, but one W1 row (or, past W1, one block) at a time, so that the row stays in the cache while every part
     * is added.
     */
    static void sumInOrder(Contribution[] parts, double[] sum, int base, int end, int w1End, int hidden,
                           boolean floatSum, Scratch scratch) {
        int i = base;
        while (i < end) {
            int next = i < w1End ? Math.min(end, Math.min(w1End, (i / hidden + 1) * hidden))
                    : Math.min(end, i + BLOCK);
            if (floatSum) {
                float[] total = scratch.total();
                for (int p = 0; p < parts.length; p++) {
                    parts[p].addFloats(total, i, next, p == 0, scratch.row());
                }
                for (int k = 0, s = i - base; k < next - i; k++) {
                    sum[s + k] = total[k];
                }
            } else {
                for (int p = 0; p < parts.length; p++) {
                    ((Dense) parts[p]).add(sum, base, i, next, p == 0);
                }
            }
            i = next;
        }
    }

    /** Values per block past W1's rows. */
    int BLOCK = 2048;

    /** {@code total[k] (+)= values[v + k]} for k in {@code [0, length)}: set with {@code first}, else added. */
    static void addFloats(float[] values, int v, float[] total, int length, boolean first) {
        if (first) {
            System.arraycopy(values, v, total, 0, length);
        } else {
            VectorMath.addTo(values, v, total, 0, length);
        }
    }

    /**
     * Adds this contribution's float values at positions {@code [from, to)} of the vector to
     * {@code total[0 .. to - from)}, or with {@code first} sets them. A range lies within one W1 row or past W1;
     * {@code row} holds at least a row.
     */
    void addFloats(float[] total, int from, int to, boolean first, float[] row);

    /** The two buffers a float sum works in: a W1 row, and the running total of one row or block. */
    record Scratch(float[] row, float[] total) {
        static Scratch of(int hidden) {
            return new Scratch(new float[hidden], new float[Math.max(hidden, BLOCK)]);
        }
    }

    /** The values themselves: {@code slice} holds positions {@code start ..} of the vector. */
    record Dense(Slice slice, int start) implements Contribution {
        @Override
        public void addFloats(float[] total, int from, int to, boolean first, float[] row) {
            if (slice.floats() == null) {
                throw new IllegalStateException("double values are summed in double");
            }
            Contribution.addFloats(slice.floats(), slice.offset() - start + from, total, to - from, first);
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
        public void addFloats(float[] total, int from, int to, boolean first, float[] row) {
            if (from >= w1End) {
                tail.addFloats(total, from, to, first, row);
                return;
            }
            int h = rows.hidden();
            int r = from / h;
            if (to - from == h) {
                if (first) {
                    rows.row(r, total);
                } else {
                    rows.addRow(r, total, 0);
                }
                return;
            }
            rows.row(r, row);
            Contribution.addFloats(row, from - r * h, total, to - from, first);
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
