package dev.sparkmnist.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.train.PhaseConfig;

/**
 * The contents of {@code model.json}: what the model is (format, layer sizes, activation, input scaling with its
 * values, class names), how it was made (every phase's hyperparameters since it was first initialised, seed, the
 * data folder and the SHA-256 of its files, program and Spark versions, time, the model it continued from) and
 * how good it is.
 *
 * <p>Fields added later ({@code inputTransform}, {@code classNames}, {@code dataDir}) are null in a model written
 * before them; such a model still loads, and {@link #scaling()} gives it the values it was trained with.
 *
 * @param format         always {@value #FORMAT}
 * @param formatVersion  {@value #FORMAT_VERSION}; loading refuses other versions
 * @param layers         [inputs, hidden, outputs]
 * @param inputScaling   raw, unit or standard
 * @param inputTransform {@code input = pixel * factor + offset} as training applied it, with the learnt pixel mean
 *                       and standard deviation for standard; null in older models
 * @param classNames     one name per output class, or null for the class numbers (MNIST's digits)
 * @param dataDir        the data folder trained on, or null in older models
 * @param phases         every phase the weights went through, oldest first, as configured
 * @param continuedFrom  the model directory training started from, or null when initialised from the seed
 * @param metrics        train/test accuracy and the like (with {@code --validation}: the held-out records and
 *                       their accuracy; under {@code plan}, how this run's phases, the last of {@code phases}, ran
 *                       on its partitions: {@link dev.sparkmnist.train.RunPlan})
 * @param augmentation   the distortions the training images went through on the fly in the run that wrote this
 *                       model ({@code rotation=...,alpha=...,sigma=...}), or null (left out of the file) for none
 */
public record ModelMetadata(String format, int formatVersion, int[] layers, String activation, String output,
                            String inputScaling, InputTransform inputTransform, List<String> classNames, long seed,
                            List<PhaseConfig> phases, String continuedFrom, String dataDir,
                            Map<String, String> dataSha256, Map<String, Object> metrics, String programVersion,
                            String sparkVersion, String createdAt, Map<String, String> weightFiles,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String augmentation) {
    public static final String FORMAT = "spark-mnist-model";
    public static final int FORMAT_VERSION = 1;
    /** Array name to file, in the order of the parameter vector: a fixed order keeps model.json byte-stable. */
    public static final Map<String, String> WEIGHT_FILES = orderedWeightFiles();

    private static Map<String, String> orderedWeightFiles() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : new String[] {"W1", "b1", "W2", "b2"}) {
            m.put(name, name + ".npy");
        }
        return Collections.unmodifiableMap(m);
    }

    /** A model trained without distortions. */
    public ModelMetadata(String format, int formatVersion, int[] layers, String activation, String output,
                         String inputScaling, InputTransform inputTransform, List<String> classNames, long seed,
                         List<PhaseConfig> phases, String continuedFrom, String dataDir,
                         Map<String, String> dataSha256, Map<String, Object> metrics, String programVersion,
                         String sparkVersion, String createdAt, Map<String, String> weightFiles) {
        this(format, formatVersion, layers, activation, output, inputScaling, inputTransform, classNames, seed, phases,
                continuedFrom, dataDir, dataSha256, metrics, programVersion, sparkVersion, createdAt, weightFiles,
                null);
    }

    /** A model as written before scaling values, class names and the data folder were stored. */
    public ModelMetadata(String format, int formatVersion, int[] layers, String activation, String output,
                         String inputScaling, long seed, List<PhaseConfig> phases, String continuedFrom,
                         Map<String, String> dataSha256, Map<String, Object> metrics, String programVersion,
                         String sparkVersion, String createdAt, Map<String, String> weightFiles) {
        this(format, formatVersion, layers, activation, output, inputScaling, null, null, seed, phases,
                continuedFrom, null, dataSha256, metrics, programVersion, sparkVersion, createdAt, weightFiles);
    }

    /**
     * How this model turns pixels into inputs: {@code input = pixel * scaling().factor() + scaling().offset()}.
     * The one place evaluation, continued training, retraining and any export take a saved model's scaling from:
     * the stored values when there are any, else the constants of its kind ({@code standard} without values is a
     * model written before standardisation was learnt, and gets MNIST's constants, as it was trained with).
     *
     * @throws IllegalArgumentException when the kind is unknown or the stored values are not usable
     */
    public InputScaling scaling() {
        InputScaling.Kind kind = InputScaling.Kind.parse(inputScaling);
        if (inputTransform != null) {
            return new InputScaling(kind, inputTransform.factor(), inputTransform.offset());
        }
        return kind == InputScaling.Kind.STANDARD ? InputScaling.MNIST_STANDARD : InputScaling.of(kind);
    }

    /**
     * The stored form of an {@link InputScaling}.
     *
     * @param factor    multiplies a pixel value 0..255
     * @param offset    added after the factor
     * @param pixelMean for standard: the training pixels' mean (0..255) the offset came from; else null
     * @param pixelStd  for standard: their standard deviation; else null
     */
    public record InputTransform(double factor, double offset, Double pixelMean, Double pixelStd) {
        /** The values of {@code s}, which must be resolved. */
        public static InputTransform of(InputScaling s) {
            boolean standard = s.kind() == InputScaling.Kind.STANDARD;
            return new InputTransform(s.factor(), s.offset(), standard ? s.pixelMean() : null,
                    standard ? s.pixelStd() : null);
        }
    }
}
