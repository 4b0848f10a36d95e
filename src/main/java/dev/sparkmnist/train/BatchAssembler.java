package dev.sparkmnist.train;

import dev.sparkmnist.augment.KeyedDistorter;
import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.nn.FloatKernel;
import dev.sparkmnist.nn.Workspace;

/**
 * Copies chosen records of a byte block into a workspace as scaled doubles (or floats), one column per sample;
 * with a {@link KeyedDistorter}, distorted copies of them keyed by (seed, step, partition, record).
 */
public final class BatchAssembler {
    private BatchAssembler() {
    }

    /** Fills columns {@code 0..n)} of {@code ws.x} and {@code ws.y} with records {@code indices[0..n)}. */
    public static void fill(ImageBlock block, int[] indices, int n, InputScaling scaling, Workspace ws) {
        int d = block.pixelsPerImage();
        byte[] pixels = block.pixels();
        for (int j = 0; j < n; j++) {
            copy(pixels, indices[j] * d, d, scaling, ws.x, j * d);
            ws.y[j] = block.label(indices[j]);
        }
    }

    /** The single-precision input of a blank (0) pixel, exactly as the fills below compute it. */
    public static float blank(InputScaling scaling) {
        return 0 * (float) scaling.factor() + (float) scaling.offset();
    }

    /** Fills columns {@code 0..n)} of the single-precision kernel's inputs and labels with records {@code indices[0..n)}. */
    public static void fill(ImageBlock block, int[] indices, int n, InputScaling scaling, FloatKernel kernel) {
        int d = block.pixelsPerImage();
        byte[] pixels = block.pixels();
        float s = (float) scaling.factor();
        float o = (float) scaling.offset();
        float[] x = kernel.x;
        for (int j = 0; j < n; j++) {
            int from = indices[j] * d;
            int to = j * d;
            for (int k = 0; k < d; k++) {
                x[to + k] = (pixels[from + k] & 0xff) * s + o;
            }
            kernel.y[j] = block.label(indices[j]);
        }
    }

    /**
     * As {@link #fill(ImageBlock, int[], int, InputScaling, FloatKernel)}, each record distorted by
     * {@code distorter} (null: not distorted) with the key (seed, step, partition, its record number in the file).
     */
    public static void fill(ImageBlock block, int[] indices, int n, InputScaling scaling, FloatKernel kernel,
                            KeyedDistorter distorter, long seed, long step, int partition) {
        if (distorter == null) {
            fill(block, indices, n, scaling, kernel);
            return;
        }
        int d = block.pixelsPerImage();
        float s = (float) scaling.factor();
        float o = (float) scaling.offset();
        float[] x = kernel.x;
        for (int j = 0; j < n; j++) {
            float[] img = distorter.distort(block.pixels(), indices[j] * d, seed, step, partition,
                    block.firstRecord() + indices[j]);
            int to = j * d;
            for (int k = 0; k < d; k++) {
                x[to + k] = img[k] * s + o;
            }
            kernel.y[j] = block.label(indices[j]);
        }
    }

    /** The double-precision {@link #fill(ImageBlock, int[], int, InputScaling, FloatKernel, KeyedDistorter, long, long, int)}. */
    public static void fill(ImageBlock block, int[] indices, int n, InputScaling scaling, Workspace ws,
                            KeyedDistorter distorter, long seed, long step, int partition) {
        if (distorter == null) {
            fill(block, indices, n, scaling, ws);
            return;
        }
        int d = block.pixelsPerImage();
        double s = scaling.factor();
        double o = scaling.offset();
        for (int j = 0; j < n; j++) {
            float[] img = distorter.distort(block.pixels(), indices[j] * d, seed, step, partition,
                    block.firstRecord() + indices[j]);
            int to = j * d;
            for (int k = 0; k < d; k++) {
                ws.x[to + k] = img[k] * s + o;
            }
            ws.y[j] = block.label(indices[j]);
        }
    }

    /** Fills columns with the {@code n} consecutive records starting at {@code first}. */
    public static void fillRange(ImageBlock block, int first, int n, InputScaling scaling, Workspace ws) {
        int d = block.pixelsPerImage();
        copy(block.pixels(), first * d, n * d, scaling, ws.x, 0);
        for (int j = 0; j < n; j++) {
            ws.y[j] = block.label(first + j);
        }
    }

    private static void copy(byte[] src, int from, int len, InputScaling scaling, double[] dst, int to) {
        double scale = scaling.factor();
        double offset = scaling.offset();
        for (int k = 0; k < len; k++) {
            dst[to + k] = (src[from + k] & 0xff) * scale + offset;
        }
    }
}
