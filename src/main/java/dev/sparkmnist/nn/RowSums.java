package dev.sparkmnist.nn;

/**
 * The W1 rows of the sum of several partitions' float gradients, in one fixed arithmetic, a row at a time while it
 * is in the cache: row i is the sum, in part order, of the sparse parts' row starts
 * ({@link SparseRows#rowStart()}, the background's term, the same for every row, so added up once), then, part by
 * part in order, every entry of input i of a sparse part as one fused multiply-add (in entry order) or a dense
 * part's row i as one addition. With no sparse part the first dense part's row is the start. Each part continues
 * the running row (stored as a float between parts, which changes nothing) instead of computing its own row and
 * adding it: no row start to load and no extra rounding per part.
 *
 * <p>Both engines sum W1 this way (the job engine on the driver, the collective engine's owners a row at a time),
 * so they give the same bits whatever the number of tasks; it is not the sum of the partitions' rows as the
 * kernel writes them one by one ({@link SparseInputProducts#weightGradient}), which rounds each partition's row
 * before adding it. Not thread-safe: one per summing thread.
 */
public final class RowSums {
    private final int hidden;
    private SparseRows[] sparse = new SparseRows[0];
    private float[][] dense = new float[0][];
    private int[] denseAt = new int[0];
    private int parts;
    private final float[] start;
    private boolean anySparse;

    public RowSums(int hidden) {
        this.hidden = hidden;
        this.start = new float[hidden];
    }

    /**
     * Begins a sum of {@code count} parts, each then given by {@link #sparse} or {@link #dense}; then
     * {@link #ready}.
     */
    public void begin(int count) {
        if (sparse.length < count) {
            sparse = new SparseRows[count];
            dense = new float[count][];
            denseAt = new int[count];
        }
        java.util.Arrays.fill(sparse, null);
        java.util.Arrays.fill(dense, null);
        parts = count;
    }

    /** Part {@code p} is a sparse batch's rows. */
    public void sparse(int p, SparseRows rows) {
        if (rows.hidden() != hidden) {
            throw new IllegalArgumentException("rows of " + rows.hidden() + " values, expected " + hidden);
        }
        sparse[p] = rows;
        dense[p] = null;
    }

    /** Part {@code p} is dense: its row i is {@code values[w1At + i * hidden ..]}. */
    public void dense(int p, float[] values, int w1At) {
        sparse[p] = null;
        dense[p] = values;
        denseAt[p] = w1At;
    }

    /** Ends the parts: adds up the sparse parts' row starts, in part order. */
    public void ready() {
        anySparse = false;
        for (int p = 0; p < parts; p++) {
            if (sparse[p] == null && dense[p] == null) {
                throw new IllegalStateException("part " + p + " of " + parts + " was not given");
            }
            if (sparse[p] != null) {
                float[] rowStart = sparse[p].rowStart();
                if (!anySparse) {
                    System.arraycopy(rowStart, 0, start, 0, hidden);
                } else {
                    VectorMath.addTo(rowStart, 0, start, 0, hidden);
                }
                anySparse = true;
            }
        }
    }

    /** Writes row {@code i} of the sum into {@code out[at .. at + hidden)}. */
    public void row(int i, float[] out, int at) {
        int first = 0;
        if (anySparse) {
            System.arraycopy(start, 0, out, at, hidden);
        } else {
            System.arraycopy(dense[0], denseAt[0] + i * hidden, out, at, hidden);
            first = 1;
        }
        for (int p = first; p < parts; p++) {
            if (sparse[p] != null) {
                sparse[p].addEntries(i, out, at);
            } else {
                // the same addition as on the lanes, without the Vector API (a JVM without it has no sparse parts)
                VectorMath.addTo(dense[p], denseAt[p] + i * hidden, out, at, hidden);
            }
        }
    }
}
