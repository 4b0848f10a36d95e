package dev.sparkmnist.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import dev.sparkmnist.data.InputScaling;

/** Reads {@code --scaling}, in any case; a wrong word is refused with all three choices named. */
final class ScalingConverter implements ITypeConverter<InputScaling.Kind> {
    @Override
    public InputScaling.Kind convert(String value) {
        try {
            return InputScaling.Kind.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
