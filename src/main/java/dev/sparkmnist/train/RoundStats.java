package dev.sparkmnist.train;

/**
 * What one round (one Spark job) did.
 *
 * @param phase          0-based phase index
 * @param iterations     iterations (mini-batches) this round covered
 * @param batchLoss      mean of the notebook's loss over those mini-batches: cross-entropy per sample plus
 *                       lambda/2 (|W1|^2+|W2|^2) / batch size
 * @param samples        samples drawn in this round
 * @param learningRate   the learning rate used (first step of the round)
 * @param elapsedNanos   wall time since training started
 */
public record RoundStats(int phase, long iterations, double batchLoss, long samples, double learningRate,
                         long elapsedNanos) {
}
