package dev.sparkmnist.model;

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
    public static final Map<String, String> WEIGHT_FILES =
            Map.of("W1", "W1.npy", "b1", "b1.npy", "W2", "W2.npy", "b2", "b2.npy");
}
