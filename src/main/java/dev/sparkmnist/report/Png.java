package dev.sparkmnist.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

import org.jfree.chart.JFreeChart;

/**
 * Encodes pictures as PNG bytes, so they can go into a model directory through {@code ModelStore}'s atomic save.
 * Loading this class switches AWT to headless mode: reports are drawn on servers and in CI without a display.
 */
public final class Png {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Png() {
    }

    /** Makes sure AWT runs headless; call before any other AWT use. */
    public static void ensureHeadless() {
        // the static initialiser did the work
    }

    /** The image as PNG bytes. */
    public static byte[] encode(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode PNG: " + e.getMessage(), e);
        }
    }

    /** The chart rendered at {@code width x height}, as PNG bytes. */
    public static byte[] encode(JFreeChart chart, int width, int height) {
        return encode(chart.createBufferedImage(width, height));
    }
}
