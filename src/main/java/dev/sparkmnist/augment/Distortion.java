package dev.sparkmnist.augment;

import java.util.SplittableRandom;

/**
 * A random small deformation of a digit image, in the spirit of infiMNIST: an affine map (rotation, scaling,
 * shear, translation about the centre) followed by a smooth elastic displacement, sampled with bilinear
 * interpolation. The elastic field is random displacements on a coarse grid of control points, interpolated
 * bilinearly to every pixel: smooth like a Gaussian-filtered random field, at a fraction of the cost.
 *
 * @param maxRotationDegrees largest rotation either way
 * @param maxScale           largest relative change of size either way (0.1 = 90%..110%)
 * @param maxShear           largest shear factor either way
 * @param maxShiftPixels     largest translation either way, per axis
 * @param elasticPixels      largest elastic displacement of a control point, per axis
 * @param elasticGrid        control points per side of the elastic grid (at least 2)
 */
public record Distortion(double maxRotationDegrees, double maxScale, double maxShear, double maxShiftPixels,
                         double elasticPixels, int elasticGrid) {

    /** Small enough that every digit stays clearly itself; large enough that no two copies are alike. */
    public static final Distortion MNIST_DEFAULT = new Distortion(10, 0.1, 0.15, 1.5, 1.5, 4);

    public Distortion {
        if (maxRotationDegrees < 0 || maxScale < 0 || maxScale >= 1 || maxShear < 0 || maxShiftPixels < 0
                || elasticPixels < 0 || elasticGrid < 2) {
            throw new IllegalArgumentException("distortion limits out of range: " + maxRotationDegrees + " deg, scale "
                    + maxScale + ", shear " + maxShear + ", shift " + maxShiftPixels + ", elastic " + elasticPixels
                    + " on a grid of " + elasticGrid);
        }
    }

    /**
     * Writes a distorted copy of the {@code rows x cols} image at {@code src[srcOff..]} to {@code dst[dstOff..]},
     * drawing every random choice from {@code random} (so the same generator state gives the same image).
     * {@code field} is scratch space of at least {@code 2 * elasticGrid^2} doubles.
     */
    public void apply(byte[] src, int srcOff, int rows, int cols, SplittableRandom random, double[] field,
                      byte[] dst, int dstOff) {
        double angle = Math.toRadians(uniform(random, maxRotationDegrees));
        double scale = 1 + uniform(random, maxScale);
        double shear = uniform(random, maxShear);
        double shiftX = uniform(random, maxShiftPixels);
        double shiftY = uniform(random, maxShiftPixels);
        int g = elasticGrid;
        for (int i = 0; i < 2 * g * g; i++) {
            field[i] = uniform(random, elasticPixels);
        }
        AffineMap map = new AffineMap();
        map.set(angle, scale, shear, shiftX, shiftY, rows, cols);
        double gx = (g - 1) / (double) Math.max(1, cols - 1);
        double gy = (g - 1) / (double) Math.max(1, rows - 1);
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                double ex = gridValue(field, 0, g, x * gx, y * gy);
                double ey = gridValue(field, g * g, g, x * gx, y * gy);
                double sx = map.sourceX(x, y) + ex;
                double sy = map.sourceY(x, y) + ey;
                dst[dstOff + y * cols + x] = (byte) Math.round(AffineMap.bilinear(src, srcOff, rows, cols, sx, sy));
            }
        }
    }

    private static double uniform(SplittableRandom random, double limit) {
        return limit == 0 ? 0 : (2 * random.nextDouble() - 1) * limit;
    }

    /** Bilinear interpolation of a {@code g x g} grid stored at {@code field[off..]}, at grid coordinates (gx, gy). */
    private static double gridValue(double[] field, int off, int g, double gx, double gy) {
        int x0 = Math.min((int) gx, g - 2);
        int y0 = Math.min((int) gy, g - 2);
        double fx = gx - x0;
        double fy = gy - y0;
        int i = off + y0 * g + x0;
        return (1 - fy) * ((1 - fx) * field[i] + fx * field[i + 1])
                + fy * ((1 - fx) * field[i + g] + fx * field[i + g + 1]);
    }
}
