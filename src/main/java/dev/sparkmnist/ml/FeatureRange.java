package dev.sparkmnist.ml;

import java.util.Locale;

/**
 * How the values of a features column are given: {@code pixels} as MNIST's bytes (0..255), or {@code unit}
 * (0..1, pixels divided by 255). The network's own input scaling (raw, unit or standard, stored with the model) is
 * applied on top, exactly as for the IDX files, so both ranges reach the same network inputs.
 */
enum FeatureRange {
    PIXELS(1.0),
    UNIT(255.0);

    /** The param values, as the {@code featureRange} param accepts them. */
    static final String[] NAMES = {"pixels", "unit"};

    private final double toPixels;

    FeatureRange(double toPixels) {
        this.toPixels = toPixels;
    }

    static FeatureRange of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** The pixel value 0..255 (possibly fractional) that feature value {@code v} stands for. */
    double pixel(double v) {
        return v * toPixels;
    }

    /** The largest value a feature may take in this range. */
    double max() {
        return 255.0 / toPixels;
    }
}
