package dev.sparkmnist.checkpoint;

import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.model.Json;
import dev.sparkmnist.train.InvalidConfigException;
import dev.sparkmnist.train.TrainingListener;
import dev.sparkmnist.train.TrainingState;

/**
 * Checkpointing for one training run: decides where training starts (the newest checkpoint of the same
 * configuration, or the fresh state), supplies the listener that writes checkpoints, and removes them once the
 * finished model is published or the run diverged. A checkpoint of a different configuration is refused, never silently ignored or
 * overwritten: it may be the only copy of someone's interrupted run.
 */
public final class CheckpointSession {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointSession.class);

    private final CheckpointStore store;
    private final TrainingState start;
    private final TrainingListener listener;

    private CheckpointSession(CheckpointStore store, TrainingState start, TrainingListener listener) {
        this.store = store;
        this.start = start;
        this.listener = listener;
    }

    /**
     * Opens the session for a run writing its model to {@code outDir}.
     *
     * @param configuration what the fingerprint was made of ({@link ConfigFingerprint#describe})
     * @param fingerprint   the run's {@link ConfigFingerprint}
     * @param fresh         the state to start from when there is nothing to resume
     */
    public static CheckpointSession open(CheckpointOptions options, String outDir, Map<String, Object> configuration,
                                         String fingerprint, TrainingState fresh) {
        String dir = options.resolveDir(outDir);
        if (dir == null || (!options.writes() && !options.requireResume())) {
            if (options.requireResume()) {
                throw new InvalidConfigException("--resume needs --out or --checkpoint-dir to find checkpoints in");
            }
            return new CheckpointSession(null, fresh, (s, r) -> { });
        }
        CheckpointStore store = new CheckpointStore(dir, options.keep());
        Optional<CheckpointStore.Loaded> latest = store.latest();
        TrainingState start = fresh;
        if (latest.isPresent()) {
            CheckpointStore.Loaded found = latest.get();
            if (!found.checkpoint().fingerprint().equals(fingerprint)) {
                throw new InvalidConfigException(String.format(
                        "%s holds a checkpoint (iteration %d) of a different configuration, so this run cannot "
                                + "resume it. Its configuration: %s. This run's: %s. Run again with the same options "
                                + "to resume it, or delete %s (or choose another --checkpoint-dir) to start afresh.",
                        found.path(), found.checkpoint().globalStep(), compact(found.info().configuration()),
                        compact(configuration), dir));
            }
            start = found.checkpoint().toState();
            LOG.info("resuming from checkpoint {}: phase {}, iteration {} of the phase, global step {}",
                    found.path(), start.phase() + 1, start.phaseIteration(), start.globalStep());
        } else if (options.requireResume()) {
            throw new InvalidConfigException("--resume: no checkpoint found in " + dir);
        }
        TrainingListener listener = options.writes()
                ? new Checkpointer(store, fingerprint, configuration, options, start.globalStep())
                : TrainingListener.NONE;
        return new CheckpointSession(store, start, listener);
    }

    /** Where training starts: a resumed checkpoint or the fresh state. */
    public TrainingState startState() {
        return start;
    }

    /** Writes checkpoints during training (does nothing when checkpoints are off). */
    public TrainingListener listener() {
        return listener;
    }

    /**
     * Deletes the run's checkpoints: once its model is published they are no longer needed, and after it
     * diverged they would only lead the same configuration into the same divergence.
     */
    public void discard() {
        if (store != null) {
            store.clear();
        }
    }

    private static String compact(Object value) {
        try {
            return Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
