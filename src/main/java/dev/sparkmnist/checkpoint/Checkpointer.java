package dev.sparkmnist.checkpoint;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.train.RoundStats;
import dev.sparkmnist.train.TrainingListener;
import dev.sparkmnist.train.TrainingState;

/**
 * Writes a checkpoint at the first round boundary after every {@code everyIterations} iterations, and when
 * {@code everySeconds} have passed since the last one. Rounds are the only safe points: with local SGD the
 * partitions' models exist only between the start and the end of a round. A diverged state never reaches a
 * listener, so it is never checkpointed.
 */
public final class Checkpointer implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

    private final CheckpointStore store;
    private final String fingerprint;
    private final Map<String, Object> configuration;
    private final long everyIterations;
    private final long everyNanos;
    private long lastStep;
    private long lastTime;

    public Checkpointer(CheckpointStore store, String fingerprint, Map<String, Object> configuration,
                        CheckpointOptions options, long startStep) {
        this.store = store;
        this.fingerprint = fingerprint;
        this.configuration = configuration;
        this.everyIterations = options.everyIterations();
        this.everyNanos = options.everySeconds() * 1_000_000_000L;
        this.lastStep = startStep;
        this.lastTime = System.nanoTime();
    }

    @Override
    public long weightsEveryIterations() {
        return everyIterations;
    }

    @Override
    public long weightsEverySeconds() {
        return everyNanos / 1_000_000_000L;
    }

    @Override
    public void afterRound(TrainingState state, RoundStats stats) {
        long now = System.nanoTime();
        boolean byCount = everyIterations > 0 && state.globalStep() / everyIterations > lastStep / everyIterations;
        boolean byTime = everyNanos > 0 && now - lastTime >= everyNanos;
        if (!byCount && !byTime) {
            return;
        }
        long t0 = System.nanoTime();
        store.save(Checkpoint.of(fingerprint, state), configuration);
        lastStep = state.globalStep();
        lastTime = now;
        LOG.info("checkpoint at iteration {} (phase {}) written to {} in {} ms", state.globalStep(),
                state.phase() + 1, store.dir(), (System.nanoTime() - t0) / 1_000_000);
    }
}
