package dev.sparkmnist.checkpoint;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.sparkmnist.train.Convergence;

/**
 * The contents of a checkpoint's {@code checkpoint.json}: format, where the run was, the fingerprint of its
 * configuration and, for people reading the file or a refusal message, what that configuration was.
 *
 * @param convergence the phase's convergence check ({@code --tol}); written only by a run with a tolerance, and
 *                    null (read as {@link Convergence#START}) in checkpoints without one, older ones included
 */
public record CheckpointInfo(String format, int formatVersion, String fingerprint, int phase, long phaseIteration,
                             long globalStep, int[] layers, String createdAt, Map<String, Object> configuration,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Convergence convergence) {
    public static final String FORMAT = "spark-mnist-checkpoint";
    public static final int FORMAT_VERSION = 1;
}
