package dev.sparkmnist.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Draws digits as a grid of tiles, each image enlarged by a whole factor (every source pixel becomes a
 * {@code scale x scale} block of the same grey, white strokes on black like MNIST itself) with a caption
 * underneath. Plain Java2D: the notebook's {@code imshow} grid needs no charting library.
 *
 * @param rows    image height in pixels
 * @param cols    image width in pixels
 * @param scale   how many screen pixels one image pixel becomes
 * @param columns tiles per row of the grid
 */
public record DigitGrid(int rows, int cols, int scale, int columns) {
    /** Space around each tile. */
    public static final int PADDING = 6;
    /** Height of the caption band under each image. */
    public static final int CAPTION = 18;
    private static final Color BACKGROUND = Color.WHITE;
    private static final Color TEXT = new Color(0x20, 0x20, 0x20);

    public DigitGrid {
        if (rows < 1 || cols < 1 || scale < 1 || columns < 1) {
            throw new IllegalArgumentException("grid sizes must be positive");
        }
    }

    /** A grid for {@code count} images of {@code rows x cols}, about square. */
    public static DigitGrid forCount(int count, int rows, int cols, int scale) {
        return new DigitGrid(rows, cols, scale, Math.max(1, (int) Math.ceil(Math.sqrt(count))));
    }

    /** One image and what to write under it. */
    public record Tile(byte[] pixels, String caption) {
    }

    /** Width of one grid cell (tile plus padding). */
    public int cellWidth() {
        return cols * scale + PADDING;
    }

    /** Height of one grid cell (tile, caption and padding). */
    public int cellHeight() {
        return rows * scale + CAPTION + PADDING;
    }

    /** Pixel x of the top-left corner of tile {@code i}'s image. */
    public int imageX(int i) {
        return PADDING + (i % columns) * cellWidth();
    }

    /** Pixel y of the top-left corner of tile {@code i}'s image. */
    public int imageY(int i) {
        return PADDING + (i / columns) * cellHeight();
    }

    /** Picture width for {@code count} tiles. */
    public int width(int count) {
        return PADDING + Math.min(count, columns) * cellWidth();
    }

    /** Picture height for {@code count} tiles. */
    public int height(int count) {
        return PADDING + Math.max(1, (count + columns - 1) / columns) * cellHeight();
    }

    /** Draws the tiles, row by row. */
    public BufferedImage draw(List<Tile> tiles) {
        int n = Math.max(1, tiles.size());
        BufferedImage img = new BufferedImage(width(n), height(n), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < tiles.size(); i++) {
                Tile t = tiles.get(i);
                if (t.pixels().length != rows * cols) {
                    throw new IllegalArgumentException("tile " + i + " has " + t.pixels().length
                            + " pixels, expected " + rows * cols);
                }
                int x0 = imageX(i);
                int y0 = imageY(i);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int v = t.pixels()[r * cols + c] & 0xff;
                        g.setColor(new Color(v, v, v));
                        g.fillRect(x0 + c * scale, y0 + r * scale, scale, scale);
                    }
                }
                g.setColor(TEXT);
                String caption = t.caption();
                int tw = fm.stringWidth(caption);
                g.drawString(caption, x0 + Math.max(0, (cols * scale - tw) / 2),
                        y0 + rows * scale + fm.getAscent() + 2);
            }
        } finally {
            g.dispose();
        }
        return img;
    }
}
