package dev.sparkmnist.train;

/** Told after every Spark job of training; progress logs, curves and checkpoints hang off this. */
public interface TrainingListener {
    /** Called on the driver after each round; {@code state} is live, copy what must outlive the call. */
    void afterRound(TrainingState state, RoundStats stats);

    /** Called once when the whole run has finished normally. */
    default void finished(TrainingState state) {
    }
}
