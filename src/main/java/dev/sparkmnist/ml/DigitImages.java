package dev.sparkmnist.ml;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

/**
 * Decodes one PNG or JPEG file into MNIST's form: {@value #SIDE} x {@value #SIDE} grayscale pixel values 0..255,
 * row by row.
 *
 * <ul>
 * <li><b>Grayscale</b>: a gray image's own samples (scaled to 8 bits); a colour or palette image's luma
 *     {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601, what PIL's {@code convert("L")} computes). Transparent
 *     pixels are composited onto black, MNIST's background.</li>
 * <li><b>Size</b>: any other size is resampled to 28 x 28 by area averaging (each output pixel is the mean of the
 *     source area it covers, separately in x and y), stretching to a square: crop non-square digits first. A
 *     28 x 28 gray image is taken exactly as it is.</li>
 * <li>No inversion, centring or thresholding: like MNIST, digits must be light strokes on a dark background,
 *     roughly centred.</li>
 * </ul>
 */
final class DigitImages {
    static final int SIDE = 28;

    private DigitImages() {
    }

    /** The image's 784 pixel values; a {@link BadInputException} naming {@code path} if it cannot be decoded. */
    static double[] decode(byte[] content, String path) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(content));
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(path + ": cannot decode the image (" + e.getMessage() + ")");
        }
        if (image == null) {
            throw new BadInputException(path + ": not a PNG or JPEG image");
        }
        return resize(gray(image), image.getWidth(), image.getHeight());
    }

    /** Luma 0..255 of every pixel, row by row. */
    static double[] gray(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        double[] out = new double[w * h];
        Raster raster = image.getRaster();
        boolean grayModel = image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
        if (grayModel) {
            // Java2D's gray colour space is linear; getRGB would apply a gamma curve. Take the samples as stored.
            int bits = image.getColorModel().getComponentSize(0);
            double max = (1 << bits) - 1;
            boolean alpha = image.getColorModel().hasAlpha();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = raster.getSample(x, y, 0) * 255.0 / max;
                    double a = alpha ? raster.getSample(x, y, 1) / max : 1.0;
                    out[y * w + x] = v * a;
                }
            }
            return out;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                double luma = 0.299 * (argb >> 16 & 0xff) + 0.587 * (argb >> 8 & 0xff) + 0.114 * (argb & 0xff);
                out[y * w + x] = luma * (argb >>> 24) / 255.0;
            }
        }
        return out;
    }

    /** Area-averaged {@code SIDE x SIDE} version of a {@code w x h} gray image, rounded to whole values. */
    static double[] resize(double[] gray, int w, int h) {
        double[] rows = new double[SIDE * h];
        for (int y = 0; y < h; y++) {
            resample(gray, y * w, 1, w, rows, y * SIDE, 1);
        }
        double[] out = new double[SIDE * SIDE];
        for (int x = 0; x < SIDE; x++) {
            resample(rows, x, SIDE, h, out, x, SIDE);
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(255, Math.max(0, Math.rint(out[i])));
        }
        return out;
    }

    /**
     * Resamples {@code n} values of {@code src} (from {@code from}, every {@code stride}) to {@value #SIDE} values of
     * {@code dst}: output {@code i} is the mean of the source interval {@code [i n/SIDE, (i+1) n/SIDE)}, partial
     * source cells weighted by their overlap. With {@code n == SIDE} it is the identity.
     */
    private static void resample(double[] src, int from, int stride, int n, double[] dst, int to, int dstStride) {
        double scale = (double) n / SIDE;
        for (int i = 0; i < SIDE; i++) {
            double lo = i * scale;
            double hi = (i + 1) * scale;
            double sum = 0;
            for (int s = (int) Math.floor(lo); s < Math.min(n, (int) Math.ceil(hi)); s++) {
                double overlap = Math.min(hi, s + 1) - Math.max(lo, s);
                sum += src[from + s * stride] * overlap;
            }
            dst[to + i * dstStride] = sum / scale;
        }
    }
}
