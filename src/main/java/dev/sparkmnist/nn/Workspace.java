package dev.sparkmnist.nn;

/**
 * Scratch buffers for one batch, column-major with one column per sample: inputs (inputs x n), hidden activations
 * (hidden x n), output probabilities (outputs x n), hidden deltas (hidden x n). Allocated once for the largest
 * batch and reused, so the hot loop creates no garbage proportional to the data.
 */
public final class Workspace {
    final LayerSizes sizes;
    final int capacity;
    /** Batch inputs, filled by the caller: column j is sample j. */
    public final double[] x;
    /** Batch labels, filled by the caller. */
    public final int[] y;
    final double[] hidden;
    final double[] output;
    final double[] hiddenDelta;

    public Workspace(LayerSizes sizes, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.sizes = sizes;
        this.capacity = capacity;
        this.x = new double[sizes.inputs() * capacity];
        this.y = new int[capacity];
        this.hidden = new double[sizes.hidden() * capacity];
        this.output = new double[sizes.outputs() * capacity];
        this.hiddenDelta = new double[sizes.hidden() * capacity];
    }

    public int capacity() {
        return capacity;
    }

    public LayerSizes sizes() {
        return sizes;
    }

    /** Output probabilities after a forward pass: column j holds sample j's class probabilities. */
    public double[] probabilities() {
        return output;
    }

    /** A workspace that fits {@code sizes} and {@code n} samples: this one if it does, else a new one. */
    public static Workspace fitting(Workspace current, LayerSizes sizes, int n) {
        return current != null && current.sizes.equals(sizes) && current.capacity >= n
                ? current : new Workspace(sizes, n);
    }
}
