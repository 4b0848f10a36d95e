package dev.sparkmnist.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.sparkmnist.data.ClassNames;
import dev.sparkmnist.eval.Evaluator.Mistake;

/** The misclassified test digits as a grid, each captioned "true -> predicted (confidence)". */
public final class MistakeGallery {
    /** Screen pixels per image pixel. */
    public static final int SCALE = 3;
    /** Digits per row. */
    public static final int COLUMNS = 10;

    private MistakeGallery() {
    }

    /** The caption under one mistake, e.g. {@code 4 → 9 (87%)}, with the classes' names. */
    public static String caption(Mistake m, ClassNames names) {
        return String.format(Locale.ROOT, "%s \u2192 %s (%.0f%%)", names.name(m.truth()), names.name(m.predicted()),
                100 * m.confidence());
    }

    /** The grid layout used for {@code rows x cols} images. */
    public static DigitGrid grid(int rows, int cols) {
        return new DigitGrid(rows, cols, SCALE, COLUMNS);
    }

    /** The PNG of the mistakes, in the order given. */
    public static byte[] png(List<Mistake> mistakes, int rows, int cols, ClassNames names) {
        Png.ensureHeadless();
        List<DigitGrid.Tile> tiles = new ArrayList<>(mistakes.size());
        for (Mistake m : mistakes) {
            tiles.add(new DigitGrid.Tile(m.pixels(), caption(m, names)));
        }
        return Png.encode(grid(rows, cols).draw(tiles));
    }
}
