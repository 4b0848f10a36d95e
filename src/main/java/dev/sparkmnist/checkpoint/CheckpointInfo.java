package dev.sparkmnist.checkpoint;

import java.util.Map;

/**
 * The contents of a checkpoint's {@code checkpoint.json}: format, where the run was, the fingerprint of its
 * configuration and, for people reading the file or a refusal message, what that configuration was.
 */
public record CheckpointInfo(String format, int formatVersion, String fingerprint, int phase, long phaseIteration,
                             long globalStep, int[] layers, String createdAt, Map<String, Object> configuration) {
    public static final String FORMAT = "spark-mnist-checkpoint";
    public static final int FORMAT_VERSION = 1;
}
