package dev.sparkmnist.augment;

/**
 * The affine part of a distortion as an output-to-source map about the image centre: inverse rotation and scale,
 * then shear, then a shift. Mutable and reused, so distorting an image allocates nothing; shared by the stored
 * {@link Distortion} (the {@code generate} command) and the on-the-fly {@link KeyedDistorter} (training).
 */
final class AffineMap {
    private double a;
    private double b;
    private double c;
    private double d;
    private double cx;
    private double cy;
    private double shiftX;
    private double shiftY;

    /** Sets the map for a {@code rows x cols} image. */
    void set(double angleRadians, double scale, double shear, double shiftX, double shiftY, int rows, int cols) {
        double cos = Math.cos(angleRadians) / scale;
        double sin = Math.sin(angleRadians) / scale;
        this.a = cos;
        this.b = sin + shear * cos;
        this.c = -sin;
        this.d = cos - shear * sin;
        this.cx = (cols - 1) / 2.0;
        this.cy = (rows - 1) / 2.0;
        this.shiftX = shiftX;
        this.shiftY = shiftY;
    }

    /** Source x of output pixel (x, y). */
    double sourceX(int x, int y) {
        return a * (x - cx - shiftX) + b * (y - cy - shiftY) + cx;
    }

    /** How far the source x moves per output column. */
    double sourceXPerColumn() {
        return a;
    }

    /** How far the source y moves per output column. */
    double sourceYPerColumn() {
        return c;
    }

    /** Source y of output pixel (x, y). */
    double sourceY(int x, int y) {
        return c * (x - cx - shiftX) + d * (y - cy - shiftY) + cy;
    }

    /** The image's intensity (0..255) at a real-valued position, bilinearly interpolated; 0 outside the image. */
    static double bilinear(byte[] img, int off, int rows, int cols, double x, double y) {
        double fx0 = Math.floor(x);
        double fy0 = Math.floor(y);
        int x0 = (int) fx0;
        int y0 = (int) fy0;
        double fx = x - fx0;
        double fy = y - fy0;
        if (x0 >= 0 && y0 >= 0 && x0 + 1 < cols && y0 + 1 < rows) { // inside: no bounds checks per pixel
            int i = off + y0 * cols + x0;
            return (1 - fy) * ((1 - fx) * (img[i] & 0xff) + fx * (img[i + 1] & 0xff))
                    + fy * ((1 - fx) * (img[i + cols] & 0xff) + fx * (img[i + cols + 1] & 0xff));
        }
        return (1 - fy) * ((1 - fx) * pixel(img, off, rows, cols, x0, y0) + fx * pixel(img, off, rows, cols, x0 + 1, y0))
                + fy * ((1 - fx) * pixel(img, off, rows, cols, x0, y0 + 1)
                + fx * pixel(img, off, rows, cols, x0 + 1, y0 + 1));
    }

    private static int pixel(byte[] img, int off, int rows, int cols, int x, int y) {
        return x < 0 || y < 0 || x >= cols || y >= rows ? 0 : img[off + y * cols + x] & 0xff;
    }
}
