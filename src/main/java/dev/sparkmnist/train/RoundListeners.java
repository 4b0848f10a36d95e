package dev.sparkmnist.train;

import java.util.List;

/**
 * The run's {@link TrainingListener}s as an engine calls them: with the round's statistics and the time since
 * training started. An engine that has the weights only at some rounds (the collective engine, whose weights live
 * in the tasks) calls {@link #afterRoundWithoutWeights} at the others, which reaches only the listeners that do not
 * read them; {@link #weightsEveryIterations()} and {@link #weightsEverySeconds()} say how often the others want
 * them.
 */
public final class RoundListeners {
    private final List<TrainingListener> listeners;
    private final long started;

    public RoundListeners(List<TrainingListener> listeners, long startedNanos) {
        this.listeners = List.copyOf(listeners);
        this.started = startedNanos;
    }

    /** Tells every listener about a round whose state holds its weights. */
    public void afterRound(TrainingState state, RoundStats stats) {
        for (TrainingListener l : listeners) {
            l.afterRound(state, stats);
        }
    }

    /** Tells only the listeners that do not read the weights ({@code state}'s may be older than the round). */
    public void afterRoundWithoutWeights(TrainingState state, RoundStats stats) {
        for (TrainingListener l : listeners) {
            if (!l.needsWeights()) {
                l.afterRound(state, stats);
            }
        }
    }

    /** The statistics of a round that ended now. */
    public RoundStats stats(int phase, long iterations, double batchLoss, long samples, double rate) {
        return new RoundStats(phase, iterations, batchLoss, samples, rate, System.nanoTime() - started);
    }

    /** The smallest positive iteration interval at which some listener wants the weights, 0 for none. */
    public long weightsEveryIterations() {
        return listeners.stream().filter(TrainingListener::needsWeights).mapToLong(
                TrainingListener::weightsEveryIterations).filter(v -> v > 0).min().orElse(0);
    }

    /** The smallest positive time interval at which some listener wants the weights, 0 for none. */
    public long weightsEverySeconds() {
        return listeners.stream().filter(TrainingListener::needsWeights).mapToLong(
                TrainingListener::weightsEverySeconds).filter(v -> v > 0).min().orElse(0);
    }

    /** True when some listener reads the weights but says nothing of how often: it then gets them every round. */
    public boolean weightsEveryRound() {
        return listeners.stream().anyMatch(l -> l.needsWeights() && l.weightsEveryIterations() <= 0
                && l.weightsEverySeconds() <= 0);
    }

    void finished(TrainingState state) {
        for (TrainingListener l : listeners) {
            l.finished(state);
        }
    }
}
