package dev.sparkmnist.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sparkmnist.train.PhaseConfig;

/**
 * The contents of {@code model.json}: what the model is (format, layer sizes, activation, input scaling), how it
 * was made (every phase's hyperparameters since it was first initialised, seed, the SHA-256 of the data files,
 * program and Spark versions, time, the model it continued from) and how good it is.
 *
 * @param format        always {@value #FORMAT}
 * @param formatVersion {@value #FORMAT_VERSION}; loading refuses other versions
 * @param layers        [inputs, hidden, outputs]
 * @param phases        every phase the weights went through, oldest first
 * @param continuedFrom the model directory training started from, or null when initialised from the seed
 * @param metrics       train/test accuracy and the like
 */
public record ModelMetadata(String format, int formatVersion, int[] layers, String activation, String output,
                            String inputScaling, long seed, List<PhaseConfig> phases, String continuedFrom,
                            Map<String, String> dataSha256, Map<String, Object> metrics, String programVersion,
                            String sparkVersion, String createdAt, Map<String, String> weightFiles) {
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
}
