package dev.sparkmnist.nn;

/**
 * A second order for the flat parameter vector, used only inside a training task: W1 stored input-major (the
 * weights from one input to every hidden unit contiguous, {@code W1[i][k]} at {@code i * hidden + k}) instead of
 * {@link LayerSizes}' column-major order ({@code i + k * inputs}); b1, W2 and b2 stay where they are. In this order
 * a sparse input row adds contiguous weights ({@link SparseInputProducts}). Elementwise optimiser steps do not
 * care about the order, so a task converts the shipped model once on the way in and once on the way out.
 */
public final class InputMajorLayout {
    private static final int TILE = 32;

    private InputMajorLayout() {
    }

    /** Copies {@code sizes.parameterCount()} values from {@code src[from..]} (column-major) into {@code dst}, input-major. */
    public static void toInputMajor(LayerSizes sizes, float[] src, int from, float[] dst) {
        transpose(src, from, sizes.inputs(), sizes.hidden(), dst, 0);
        copyRest(sizes, src, from, dst, 0);
    }

    /** Copies the input-major {@code src} into {@code dst[to..]} in {@link LayerSizes}' column-major order. */
    public static void fromInputMajor(LayerSizes sizes, float[] src, float[] dst, int to) {
        transpose(src, 0, sizes.hidden(), sizes.inputs(), dst, to);
        copyRest(sizes, src, 0, dst, to);
    }

    /**
     * The input-major {@code src} (a sum of input-major float gradients, in double) into {@code dst} in
     * {@link LayerSizes}' order: the same permutation as the float version, so no value changes.
     */
    public static void fromInputMajor(LayerSizes sizes, double[] src, double[] dst) {
        transpose(src, sizes.hidden(), sizes.inputs(), dst);
        int w1 = sizes.b1Offset();
        System.arraycopy(src, w1, dst, w1, sizes.parameterCount() - w1);
    }

    /** The column-major {@code src} into {@code dst}, input-major: the inverse of {@link #fromInputMajor}. */
    public static void toInputMajor(LayerSizes sizes, double[] src, double[] dst) {
        transpose(src, sizes.inputs(), sizes.hidden(), dst);
        int w1 = sizes.b1Offset();
        System.arraycopy(src, w1, dst, w1, sizes.parameterCount() - w1);
    }

    /** {@code dst[c + r * cols] = src[r + c * rows]} for the rows x cols column-major matrix at 0, in tiles. */
    private static void transpose(double[] src, int rows, int cols, double[] dst) {
        for (int c0 = 0; c0 < cols; c0 += TILE) {
            int c1 = Math.min(cols, c0 + TILE);
            for (int r0 = 0; r0 < rows; r0 += TILE) {
                int r1 = Math.min(rows, r0 + TILE);
                for (int c = c0; c < c1; c++) {
                    int s = c * rows;
                    for (int r = r0; r < r1; r++) {
                        dst[c + r * cols] = src[s + r];
                    }
                }
            }
        }
    }

    private static void copyRest(LayerSizes sizes, float[] src, int from, float[] dst, int to) {
        int w1 = sizes.b1Offset();
        System.arraycopy(src, from + w1, dst, to + w1, sizes.parameterCount() - w1);
    }

    /**
     * {@code dst[to + c + r * cols] = src[from + r + c * rows]}: the rows x cols column-major matrix at
     * {@code from} as its cols x rows transpose, in tiles that stay in cache.
     */
    private static void transpose(float[] src, int from, int rows, int cols, float[] dst, int to) {
        for (int c0 = 0; c0 < cols; c0 += TILE) {
            int c1 = Math.min(cols, c0 + TILE);
            for (int r0 = 0; r0 < rows; r0 += TILE) {
                int r1 = Math.min(rows, r0 + TILE);
                for (int c = c0; c < c1; c++) {
                    int s = from + c * rows;
                    for (int r = r0; r < r1; r++) {
                        dst[to + c + r * cols] = src[s + r];
                    }
                }
            }
        }
    }
}
