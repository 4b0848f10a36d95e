package dev.sparkmnist.nn;

/**
 * One batch's W1 gradient (input-major) kept as the few numbers it is made of, so that its rows can be computed
 * where they are summed instead of being written out and sent whole: row i is
 * {@code rowStart + sum over the batch's entries e of input i of sampleValue[e] * delta[sample[e] * hidden ..]}
 * (the background's rank-one term plus the inputs that differ from it, {@link SparseInputProducts}). {@link #row}
 * runs the very loop the kernel runs for the whole gradient, so a row computed here equals the kernel's to the bit.
 * For MNIST's 32-sample batches it is about 100 KB against the gradient's 1.6 MB.
 *
 * <p>The arrays may be longer than what they hold (a partition's buffers, reused step after step): the entries
 * are {@code [0, entries())}, {@code delta} holds {@code samples} columns.
 *
 * @param hidden      values per row
 * @param columnStart entries of input i are {@code columnStart[i]..columnStart[i+1]-1}
 * @param sample      each entry's sample (column of {@code delta})
 * @param sampleValue each entry's input minus the background
 * @param delta       the error at the hidden layer, hidden x samples, column-major
 * @param rowStart    the background's term, the same for every row
 * @param samples     the batch's size: columns of {@code delta}
 */
public record SparseRows(int hidden, int[] columnStart, int[] sample, float[] sampleValue, float[] delta,
                         float[] rowStart, int samples) implements java.io.Serializable {

    /** Writes row {@code i} of the W1 gradient into {@code out[at .. at + hidden)}. */
    public void row(int i, float[] out, int at) {
        SparseInputProducts.Simd.accumulateRows(delta, 0, hidden, sample, sampleValue, columnStart[i],
                columnStart[i + 1], rowStart, out, at);
    }

    /**
     * Adds the products of row {@code i}'s entries to {@code out[at .. at + hidden)} as fused multiply-adds in
     * entry order, the running value staying in registers ({@link RowSums}); the row start is not added.
     */
    void addEntries(int i, float[] out, int at) {
        SparseInputProducts.Simd.accumulateRows(delta, 0, hidden, sample, sampleValue, columnStart[i],
                columnStart[i + 1], out, at, out, at, false);
    }

    /** The number of rows (inputs). */
    public int rows() {
        return columnStart.length - 1;
    }

    /** The number of entries (inputs that differ from the background, over the batch). */
    public int entries() {
        return columnStart[rows()];
    }

    /** Whether this one's arrays can hold a batch of {@code samples} samples and {@code entries} entries. */
    boolean fits(int hidden, int rows, int samples, int entries) {
        return this.hidden == hidden && columnStart.length == rows + 1 && sample.length >= entries
                && delta.length >= hidden * samples;
    }
}
