package dev.sparkmnist.train;

/** Told after every round of training; progress logs, curves and checkpoints hang off this. */
public interface TrainingListener {
    /** A listener that does nothing (and so never needs the weights). */
    TrainingListener NONE = new TrainingListener() {
        @Override
        public void afterRound(TrainingState state, RoundStats stats) {
        }

        @Override
        public boolean needsWeights() {
            return false;
        }
    };

    /** Called on the driver after each round; {@code state} is live, copy what must outlive the call. */
    void afterRound(TrainingState state, RoundStats stats);

    /** Called once when the whole run has finished normally. */
    default void finished(TrainingState state) {
    }

    /**
     * Whether {@link #afterRound} reads the state's weights. An engine whose weights live on the executors (the
     * collective engine) ships them to the driver only at the rounds such listeners ask for, and calls the others
     * every round with the step counts right but the weights possibly older.
     */
    default boolean needsWeights() {
        return true;
    }

    /** Iterations between the rounds at which this listener needs the weights; 0 when it says nothing. */
    default long weightsEveryIterations() {
        return 0;
    }

    /** Seconds between the rounds at which this listener needs the weights; 0 when it says nothing. */
    default long weightsEverySeconds() {
        return 0;
    }
}
