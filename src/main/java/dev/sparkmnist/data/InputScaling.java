package dev.sparkmnist.data;

import java.io.Serializable;
import java.util.Locale;

/**
 * How raw pixel bytes become network inputs: {@code input = pixel * factor + offset}. The {@link Kind} is what the
 * user chooses; the factor and offset belong to one model and travel with it ({@code model.json}), so
 * evaluation, continued training and any export apply exactly what training applied.
 *
 * <ul>
 * <li>{@code RAW} keeps 0..255 as the original notebook did (it saturates tanh and caps accuracy near 81%);</li>
 * <li>{@code UNIT} divides by 255;</li>
 * <li>{@code STANDARD} centres and scales the inputs to mean 0 and variance 1 over the training pixels, which tanh
 * units learn from about twice as fast: all-positive inputs push every weight into a unit in the same direction
 * at each step. A fresh {@code STANDARD} run starts {@link #toLearn() unresolved} and learns the mean and
 * standard deviation from its training set ({@link PixelStatistics}); models written before that store no
 * values and keep {@link #MNIST_STANDARD MNIST's constants}.</li>
 * </ul>
 *
 * @param kind   raw, unit or standard
 * @param factor multiplies the pixel value 0..255 (NaN while a standard scaling is still to be learnt)
 * @param offset added after the factor (NaN while still to be learnt)
 */
public record InputScaling(Kind kind, double factor, double offset) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The user's choice of scaling. */
    public enum Kind {
        RAW, UNIT, STANDARD;

        /** The choice named {@code name} (any case); an error listing all three otherwise. */
        public static Kind parse(String name) {
            for (Kind k : values()) {
                if (k.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("expected one of raw, unit or standard, got '" + name + "'");
        }

        /** The lower-case word used on the command line and in {@code model.json}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Pixels 0..255 as they are. */
    public static final InputScaling RAW = new InputScaling(Kind.RAW, 1.0, 0.0);
    /** Pixels divided by 255. */
    public static final InputScaling UNIT = new InputScaling(Kind.UNIT, 1.0 / 255.0, 0.0);
    /**
     * MNIST's published statistics (0..1 pixels: mean 0.1307, standard deviation 0.3081), exactly as
     * {@code standard} was applied before it was learnt: what a model that stores no values is read with.
     */
    public static final InputScaling MNIST_STANDARD =
            new InputScaling(Kind.STANDARD, 1.0 / (255.0 * 0.3081), -0.1307 / 0.3081);

    public InputScaling {
        if (kind == null) {
            throw new IllegalArgumentException("--scaling must be one of raw, unit or standard");
        }
        boolean toLearn = kind == Kind.STANDARD && Double.isNaN(factor) && Double.isNaN(offset);
        if (!toLearn && !(Double.isFinite(factor) && factor > 0 && Double.isFinite(offset))) {
            throw new IllegalArgumentException("input scaling " + kind.word() + " needs a positive finite factor and "
                    + "a finite offset, got " + factor + " and " + offset);
        }
    }

    /** {@code RAW} and {@code UNIT} as constants; {@code STANDARD} still {@link #toLearn() to be learnt}. */
    public static InputScaling of(Kind kind) {
        return switch (kind) {
            case RAW -> RAW;
            case UNIT -> UNIT;
            case STANDARD -> toLearn();
        };
    }

    /** A standard scaling whose statistics the training run computes from its training set. */
    public static InputScaling toLearn() {
        return new InputScaling(Kind.STANDARD, Double.NaN, Double.NaN);
    }

    /** Standardisation for pixels (0..255) with this mean and (population) standard deviation. */
    public static InputScaling standardised(double pixelMean, double pixelStd) {
        if (!(pixelStd > 0) || !Double.isFinite(pixelStd) || !Double.isFinite(pixelMean)) {
            throw new IllegalArgumentException("standard scaling needs a positive standard deviation, got mean "
                    + pixelMean + " and standard deviation " + pixelStd);
        }
        return new InputScaling(Kind.STANDARD, 1.0 / pixelStd, -pixelMean / pixelStd);
    }

    /** True for a standard scaling whose statistics are not known yet. */
    public boolean needsStatistics() {
        return Double.isNaN(factor);
    }

    /** The pixel value (0..255) that maps to input 0: the training mean for a standard scaling. */
    public double pixelMean() {
        return -offset / factor;
    }

    /** The pixel distance (0..255) that maps to one input unit: the training standard deviation for standard. */
    public double pixelStd() {
        return 1.0 / factor;
    }

    /** The network input for a pixel value 0..255. */
    public double apply(int pixel) {
        return pixel * factor + offset;
    }

    /** For logs and the report, e.g. {@code standard (pixel mean 72.90, std 90.01)}. */
    public String describe() {
        if (kind != Kind.STANDARD) {
            return kind == Kind.RAW ? "raw (pixels 0..255)" : "unit (pixels / 255)";
        }
        if (needsStatistics()) {
            return "standard (to be learnt from the training set)";
        }
        return String.format(Locale.ROOT, "standard (pixel mean %.4f, std %.4f on 0..255)", pixelMean(), pixelStd());
    }
}
