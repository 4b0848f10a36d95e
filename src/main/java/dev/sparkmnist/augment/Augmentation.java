package dev.sparkmnist.augment;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The limits of the distortions applied to training images on the fly ({@link KeyedDistorter}): a random affine
 * map (rotation, scaling, shear, shift, each drawn uniformly within its limit either way) and an elastic
 * displacement field in the manner of Simard, Steinkraus and Platt (ICDAR 2003): uniform random displacements in
 * (-1, 1) smoothed by a Gaussian of standard deviation {@code elasticSigma} pixels and multiplied by
 * {@code elasticAlpha}. All zero ({@link #NONE}) is no distortion at all. Immutable, validated at construction,
 * written as {@code rotation=10,scale=0.1,...} ({@link #parse}, {@link #toString}).
 *
 * @param rotationDegrees largest rotation either way
 * @param scale           largest relative change of size either way (0.1 = 90%..110%)
 * @param shear           largest horizontal shear factor either way
 * @param shiftPixels     largest translation either way, per axis
 * @param elasticAlpha    scale of the smoothed displacement field (Simard's alpha), 0 for none
 * @param elasticSigma    standard deviation in pixels of the Gaussian that smooths it (Simard's sigma)
 */
public record Augmentation(double rotationDegrees, double scale, double shear, double shiftPixels,
                           double elasticAlpha, double elasticSigma) implements Serializable {

    /** No distortion: training sees the stored images. */
    public static final Augmentation NONE = new Augmentation(0, 0, 0, 0, 0, 4);

    public Augmentation {
        require(rotationDegrees, 0, 90, "rotation");
        require(scale, 0, 0.5, "scale");
        require(shear, 0, 1, "shear");
        require(shiftPixels, 0, 10, "shift");
        require(elasticAlpha, 0, 200, "alpha");
        require(elasticSigma, 0.5, 20, "sigma");
    }

    private static void require(double v, double min, double max, String name) {
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "--augment %s must be in [%s, %s], got %s", name, min, max, v));
        }
    }

    /** Whether this distorts at all. */
    public boolean isNone() {
        return rotationDegrees == 0 && scale == 0 && shear == 0 && shiftPixels == 0 && elasticAlpha == 0;
    }

    /**
     * {@code none}, or {@code KEY=VALUE,...} with keys rotation, scale, shear, shift, alpha, sigma; keys left out are
     * 0 (sigma: 4). Throws {@link IllegalArgumentException} naming the bad part.
     */
    public static Augmentation parse(String spec) {
        String s = spec.trim();
        if (s.equalsIgnoreCase("none")) {
            return NONE;
        }
        Map<String, Double> v = new LinkedHashMap<>(Map.of("rotation", 0.0, "scale", 0.0, "shear", 0.0,
                "shift", 0.0, "alpha", 0.0, "sigma", 4.0));
        for (String part : s.split(",")) {
            String[] kv = part.split("=", 2);
            String key = kv[0].trim();
            if (kv.length != 2 || !v.containsKey(key)) {
                throw new IllegalArgumentException("--augment " + spec + ": '" + part + "' is not KEY=VALUE with KEY "
                        + "one of rotation, scale, shear, shift, alpha, sigma (or give 'none')");
            }
            try {
                v.put(key, Double.parseDouble(kv[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--augment " + spec + ": bad number for " + key + ": '"
                        + kv[1].trim() + "'");
            }
        }
        return new Augmentation(v.get("rotation"), v.get("scale"), v.get("shear"), v.get("shift"), v.get("alpha"),
                v.get("sigma"));
    }

    /** {@code none} or the {@link #parse} form, which reads back to an equal value. */
    @Override
    public String toString() {
        if (isNone()) {
            return "none";
        }
        return String.format(Locale.ROOT, "rotation=%s,scale=%s,shear=%s,shift=%s,alpha=%s,sigma=%s",
                rotationDegrees, scale, shear, shiftPixels, elasticAlpha, elasticSigma);
    }
}
