package dev.sparkmnist.export;

import java.util.Locale;

import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.model.ModelFormatException;
import dev.sparkmnist.model.ModelMetadata;

/**
 * The input scaling a model was trained with, as the two numbers the exported graph applies to raw pixels:
 * {@code input = pixel * factor + offset} (see {@link InputScaling}).
 *
 * <p>{@link #of} is the one place the export reads them from a model, so when models carry their own learnt
 * statistics in {@code model.json} (instead of a scaling name with fixed constants) only that method changes.
 */
public record InputAffine(double factor, double offset) {

    public InputAffine {
        if (!Double.isFinite(factor) || !Double.isFinite(offset)) {
            throw new IllegalArgumentException("input scaling must be finite: factor " + factor + ", offset " + offset);
        }
    }

    /**
     * The scaling of the model described by {@code meta}, with the statistics learnt from its training data where it
     * has them ({@link ModelMetadata#scaling()}, which also refuses a name this program does not know).
     */
    public static InputAffine of(ModelMetadata meta) {
        InputScaling scaling = meta.scaling();
        return new InputAffine(scaling.factor(), scaling.offset());
    }
}
