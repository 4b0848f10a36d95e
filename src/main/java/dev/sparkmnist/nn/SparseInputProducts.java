package dev.sparkmnist.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The first layer's two products for a batch whose inputs mostly hold one background value (a digit's blank
 * pixels: about 81% of MNIST's inputs): {@code W1^T X} and {@code X Delta^T}, computed from the inputs that differ
 * from the background, plus a rank-one correction for the background itself. With {@code X = b + S} (S sparse),
 * {@code W1^T X = W1^T S + b * colsum(W1)} and {@code X Delta^T = S Delta^T + b * rowsum(Delta)}: the same
 * products in about a fifth of the multiply-adds of a dense sgemm, at SIMD speed (Java's Vector API).
 *
 * <p>W1 is input-major here ({@link InputMajorLayout}): the weights of one input to all hidden units are
 * contiguous, so each stored input adds one contiguous row. Only {@link FloatKernel} uses this class, and only
 * when {@link #AVAILABLE the Vector API} is; the results equal the dense products to float rounding, in a
 * different order of additions.
 */
final class SparseInputProducts {
    /** Whether {@code jdk.incubator.vector} is in this JVM ({@code --add-modules jdk.incubator.vector}). */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private final int inputs;
    private final int hidden;
    /** Per sample j: entries start[j]..start[j+1]-1 of {@link #index}/{@link #value}. */
    private final int[] start;
    private final int[] index;
    private final float[] value;
    /** The same entries by input i (entries columnStart[i]..columnStart[i+1]-1 of sample/sampleValue). */
    private final int[] columnStart;
    private final int[] fill;
    private final int[] sample;
    private final float[] sampleValue;
    /** Scratch row of length hidden: the background term every row of the W1 gradient starts from. */
    private final float[] sums;
    /** The forward pass's background term, and the weights it was computed from ({@link #forward}). */
    private final float[] backgroundTerm;
    private long termVersion = NO_VERSION;
    private float[] termParams;
    private int termOffset;
    private int termBackground;
    private int count;
    private int entries;

    SparseInputProducts(int inputs, int hidden, int capacity) {
        this.inputs = inputs;
        this.hidden = hidden;
        this.start = new int[capacity + 1];
        this.index = new int[inputs * capacity];
        this.value = new float[inputs * capacity];
        this.columnStart = new int[inputs + 1];
        this.fill = new int[inputs];
        this.sample = new int[inputs * capacity];
        this.sampleValue = new float[inputs * capacity];
        this.sums = new float[hidden];
        this.backgroundTerm = new float[hidden];
    }

    /**
     * Records the inputs of the first {@code n} columns of {@code x} that differ from {@code background}, and
     * returns their share of all {@code inputs * n} inputs (0..1), by which the caller chooses this or a dense
     * product.
     */
    double load(float[] x, int n, float background) {
        int e = 0;
        for (int j = 0; j < n; j++) {
            start[j] = e;
            int col = j * inputs;
            for (int i = 0; i < inputs; i++) {
                float v = x[col + i];
                if (v != background) {
                    index[e] = i;
                    value[e] = v - background;
                    e++;
                }
            }
        }
        start[n] = e;
        count = n;
        entries = e;
        return e / ((double) inputs * n);
    }

    /** {@code out = W1^T X} (hidden x n, column-major) for the loaded batch; W1 input-major at {@code w1Offset}. */
    void forward(float[] params, int w1Offset, float background, float[] out) {
        forward(params, w1Offset, background, out, NO_VERSION);
    }

    /**
     * As above, where {@code weightsVersion} (non-negative) names the state of {@code params}: the background's
     * term ({@code background} times W1's column sums, a pass over all of W1) is computed once per version and
     * reused by the next batches at the same weights (a task of the collective engine working for several
     * partitions in one step), with the same result to the bit. The caller guarantees that {@code params} do not
     * change under one version.
     */
    void forward(float[] params, int w1Offset, float background, float[] out, long weightsVersion) {
        int h = hidden;
        boolean cached = weightsVersion >= 0 && weightsVersion == termVersion && params == termParams
                && w1Offset == termOffset && Float.floatToRawIntBits(background) == termBackground;
        if (!cached) {
            java.util.Arrays.fill(backgroundTerm, 0f);
            for (int i = 0; i < inputs; i++) {
                Simd.addTo(params, w1Offset + i * h, backgroundTerm, 0, h);
            }
            for (int k = 0; k < h; k++) {
                backgroundTerm[k] = background * backgroundTerm[k];
            }
            termVersion = weightsVersion;
            termParams = weightsVersion >= 0 ? params : null;
            termOffset = w1Offset;
            termBackground = Float.floatToRawIntBits(background);
        }
        for (int j = 0; j < count; j++) {
            Simd.accumulateRows(params, w1Offset, h, index, value, start[j], start[j + 1], backgroundTerm, out,
                    j * h);
        }
    }

    /** {@link #forward}'s version for weights that may change between any two calls. */
    static final long NO_VERSION = -1;

    /**
     * {@code grad[W1] = X Delta^T} (input-major) for the loaded batch, where {@code delta} is hidden x n and
     * {@code deltaSums} its row sums (the b1 gradient).
     */
    void weightGradient(float[] delta, float[] deltaSums, int deltaSumsOffset, float background, float[] grad,
                        int w1Offset) {
        int h = hidden;
        sortByInput();
        // Every row starts from the same background term: computed once, and the row's sums start from it in
        // registers, so the gradient is written once (not filled, read back and written again).
        for (int k = 0; k < h; k++) {
            sums[k] = background * deltaSums[deltaSumsOffset + k];
        }
        for (int i = 0; i < inputs; i++) {
            Simd.accumulateRows(delta, 0, h, sample, sampleValue, columnStart[i], columnStart[i + 1], sums, grad,
                    w1Offset + i * h);
        }
    }

    /**
     * What {@link #weightGradient} needs to compute any row of the loaded batch's W1 gradient later, elsewhere,
     * with the same result to the bit: a copy of the entries by input, of {@code delta} and of the rows' start,
     * written into {@code reuse}'s arrays when they fit (an earlier batch's, which nobody reads any more).
     */
    SparseRows rows(float[] delta, float[] deltaSums, int deltaSumsOffset, float background, SparseRows reuse) {
        int h = hidden;
        sortByInput();
        SparseRows r = reuse != null && reuse.fits(h, inputs, count, entries) ? reuse
                : new SparseRows(h, new int[inputs + 1], new int[capacityEntries()],
                        new float[capacityEntries()], new float[h * capacitySamples()], new float[h], 0);
        float[] rowStart = r.rowStart();
        for (int k = 0; k < h; k++) {
            rowStart[k] = background * deltaSums[deltaSumsOffset + k];
        }
        System.arraycopy(columnStart, 0, r.columnStart(), 0, inputs + 1);
        System.arraycopy(sample, 0, r.sample(), 0, entries);
        System.arraycopy(sampleValue, 0, r.sampleValue(), 0, entries);
        System.arraycopy(delta, 0, r.delta(), 0, h * count);
        return new SparseRows(h, r.columnStart(), r.sample(), r.sampleValue(), r.delta(), rowStart, count);
    }

    /** The most entries a loaded batch can have. */
    private int capacityEntries() {
        return sample.length;
    }

    /** The most samples a loaded batch can have. */
    private int capacitySamples() {
        return start.length - 1;
    }

    /** The loaded entries by input i: {@code columnStart[i]..columnStart[i+1]-1} of sample/sampleValue. */
    private void sortByInput() {
        java.util.Arrays.fill(columnStart, 0);
        for (int e = 0; e < entries; e++) {
            columnStart[index[e] + 1]++;
        }
        for (int i = 0; i < inputs; i++) {
            columnStart[i + 1] += columnStart[i];
        }
        System.arraycopy(columnStart, 0, fill, 0, inputs);
        for (int j = 0; j < count; j++) {
            for (int e = start[j]; e < start[j + 1]; e++) {
                int p = fill[index[e]]++;
                sample[p] = j;
                sampleValue[p] = value[e];
            }
        }
    }

    /** The vector loops, apart so that nothing above touches the Vector API's types. */
    static final class Simd {
        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
        private static final int L = SPECIES.length();

        static {
            // Every call site resolved and every Vector API class loaded once, on one thread, before the loops run
            // hot: C2 compiling a loop whose vector calls were not all resolved yet (two task threads starting at
            // once) leaves them as calls that box every vector, for the whole run.
            int h = 9 * L;
            float[] rows = new float[h];
            float[] out = new float[h];
            addTo(rows, 0, out, 0, h);
            accumulateRows(rows, 0, h, new int[1], new float[1], 0, 1, out, 0, out, 0, false);
            accumulateRows(rows, 0, h, new int[1], new float[1], 0, 1, out, 0, out, 0, true);
        }

        /** {@code dst[to..to+len) += src[from..from+len)}. */
        static void addTo(float[] src, int from, float[] dst, int to, int len) {
            int k = 0;
            for (; k <= len - L; k += L) {
                FloatVector.fromArray(SPECIES, src, from + k).add(FloatVector.fromArray(SPECIES, dst, to + k))
                        .intoArray(dst, to + k);
            }
            for (; k < len; k++) {
                dst[to + k] += src[from + k];
            }
        }

        /**
         * {@code out[at..at+h) = init[0..h) + sum over e in [from, to) of weight[e] * rows[base + row[e] * h ..]}:
         * the sum of scaled rows of length h, kept in registers eight vectors at a time.
         */
        static void accumulateRows(float[] rows, int base, int h, int[] row, float[] weight, int from, int to,
                                   float[] init, float[] out, int at) {
            accumulateRows(rows, base, h, row, weight, from, to, init, 0, out, at, false);
        }

        /**
         * As above from {@code init[initAt ..]} ({@code init} may be {@code out} itself, at {@code initAt == at}:
         * each block is read before it is written), or with {@code add} {@code out[at..at+h) += } that sum (the sum
         * made in registers first, then added: the same as computing it into a scratch row and adding that). Every
         * element, on SIMD lanes or past them, is one fused multiply-add per entry, so the result does not depend on
         * the machine's vector width.
         */
        static void accumulateRows(float[] rows, int base, int h, int[] row, float[] weight, int from, int to,
                                   float[] init, int initAt, float[] out, int at, boolean add) {
            int k = 0;
            for (; k <= h - 8 * L; k += 8 * L) {
                int o = at + k;
                int c = initAt + k;
                FloatVector a0 = FloatVector.fromArray(SPECIES, init, c);
                FloatVector a1 = FloatVector.fromArray(SPECIES, init, c + L);
                FloatVector a2 = FloatVector.fromArray(SPECIES, init, c + 2 * L);
                FloatVector a3 = FloatVector.fromArray(SPECIES, init, c + 3 * L);
                FloatVector a4 = FloatVector.fromArray(SPECIES, init, c + 4 * L);
                FloatVector a5 = FloatVector.fromArray(SPECIES, init, c + 5 * L);
                FloatVector a6 = FloatVector.fromArray(SPECIES, init, c + 6 * L);
                FloatVector a7 = FloatVector.fromArray(SPECIES, init, c + 7 * L);
                for (int e = from; e < to; e++) {
                    int r = base + row[e] * h + k;
                    FloatVector w = FloatVector.broadcast(SPECIES, weight[e]);
                    a0 = FloatVector.fromArray(SPECIES, rows, r).fma(w, a0);
                    a1 = FloatVector.fromArray(SPECIES, rows, r + L).fma(w, a1);
                    a2 = FloatVector.fromArray(SPECIES, rows, r + 2 * L).fma(w, a2);
                    a3 = FloatVector.fromArray(SPECIES, rows, r + 3 * L).fma(w, a3);
                    a4 = FloatVector.fromArray(SPECIES, rows, r + 4 * L).fma(w, a4);
                    a5 = FloatVector.fromArray(SPECIES, rows, r + 5 * L).fma(w, a5);
                    a6 = FloatVector.fromArray(SPECIES, rows, r + 6 * L).fma(w, a6);
                    a7 = FloatVector.fromArray(SPECIES, rows, r + 7 * L).fma(w, a7);
                }
                if (add) {
                    a0 = a0.add(FloatVector.fromArray(SPECIES, out, o));
                    a1 = a1.add(FloatVector.fromArray(SPECIES, out, o + L));
                    a2 = a2.add(FloatVector.fromArray(SPECIES, out, o + 2 * L));
                    a3 = a3.add(FloatVector.fromArray(SPECIES, out, o + 3 * L));
                    a4 = a4.add(FloatVector.fromArray(SPECIES, out, o + 4 * L));
                    a5 = a5.add(FloatVector.fromArray(SPECIES, out, o + 5 * L));
                    a6 = a6.add(FloatVector.fromArray(SPECIES, out, o + 6 * L));
                    a7 = a7.add(FloatVector.fromArray(SPECIES, out, o + 7 * L));
                }
                a0.intoArray(out, o);
                a1.intoArray(out, o + L);
                a2.intoArray(out, o + 2 * L);
                a3.intoArray(out, o + 3 * L);
                a4.intoArray(out, o + 4 * L);
                a5.intoArray(out, o + 5 * L);
                a6.intoArray(out, o + 6 * L);
                a7.intoArray(out, o + 7 * L);
            }
            for (; k <= h - L; k += L) {
                FloatVector a = FloatVector.fromArray(SPECIES, init, initAt + k);
                for (int e = from; e < to; e++) {
                    a = FloatVector.fromArray(SPECIES, rows, base + row[e] * h + k)
                            .fma(FloatVector.broadcast(SPECIES, weight[e]), a);
                }
                if (add) {
                    a = a.add(FloatVector.fromArray(SPECIES, out, at + k));
                }
                a.intoArray(out, at + k);
            }
            for (; k < h; k++) {
                float a = init[initAt + k];
                for (int e = from; e < to; e++) {
                    a = Math.fma(rows[base + row[e] * h + k], weight[e], a);
                }
                out[at + k] = add ? a + out[at + k] : a;
            }
        }
    }
}
