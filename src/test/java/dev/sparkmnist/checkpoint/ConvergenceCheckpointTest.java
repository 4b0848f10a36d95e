package dev.sparkmnist.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.pipeline.Presets;
import dev.sparkmnist.pipeline.TrainingJob;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;
import dev.sparkmnist.train.Convergence;
import dev.sparkmnist.train.LearningRateSchedule;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingListener;
import dev.sparkmnist.train.TrainingState;

/**
 * The convergence check's state ({@code --tol}) goes through checkpoints: a run that crashes just before it would
 * converge and is resumed from a checkpoint taken in the middle of an epoch stops at the same round with the same
 * weights as the uninterrupted run; the state is stored to the bit; a checkpoint written without it (before
 * {@code --tol} existed) still loads, at the start of the check; the tolerance is part of the fingerprint.
 */
class ConvergenceCheckpointTest {
    @TempDir
    Path tmp;

    /** 600 records, batch 60: an epoch is 10 iterations; one step per round on 2 partitions. */
    private static TrainingConfig config(double tol) {
        PhaseConfig phase = new PhaseConfig(300, 60, 0.002, 0.01, 0.9, 1, LearningRateSchedule.CONSTANT);
        return new TrainingConfig(12, 5, InputScaling.of(Presets.DEFAULT.scaling()), 2, 100, List.of(phase))
                .withTol(tol);
    }

    private TrainingJob.Result run(Path data, Path out, TrainingConfig config, List<TrainingListener> extra,
                                   CheckpointOptions options) {
        return TrainingJob.run(SharedSpark.get(), new TrainingJob.Spec(data.toString(), out.toString(), config, null,
                Presets.DEFAULT.sampling().sampler()), extra, options);
    }

    @Test
    void aRunResumedBeforeItsStopStopsAtTheSameRoundWithTheSameWeights() throws Exception {
        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 600, 50, false, 3);
        TrainingConfig config = config(0.05);
        CheckpointOptions every7 = new CheckpointOptions(null, 7, 0, 2, false);
        TrainingJob.Result straight = run(data, tmp.resolve("straight"), config, List.of(), every7);
        Map<?, ?> converged = (Map<?, ?>) straight.metadata().metrics().get("convergence");
        assertEquals(true, converged.get("converged"), "the test's tolerance stops the run: " + converged);
        long stop = ((Number) converged.get("iteration")).longValue();
        assertTrue(stop < 300, "stopped early: " + stop);

        long crashAt = stop - 1;
        TrainingListener crash = (state, stats) -> {
            if (state.globalStep() >= crashAt) {
                throw new IllegalStateException("injected crash at iteration " + state.globalStep());
            }
        };
        Path resumed = tmp.resolve("resumed");
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> run(data, resumed, config, List.of(crash), every7));
        assertTrue(e.getMessage().contains("injected crash"), e.getMessage());
        CheckpointStore store = new CheckpointStore(resumed + ".checkpoints", 2);
        Checkpoint newest = store.latest().orElseThrow().checkpoint();
        assertTrue(newest.globalStep() < crashAt, "the newest checkpoint is before the crash: " + newest.globalStep());
        assertTrue(newest.convergence().epochs() >= 1, "it carries the check's state: " + newest.convergence());

        TrainingJob.Result again = run(data, resumed, config, List.of(),
                new CheckpointOptions(null, 7, 0, 2, true));
        assertArrayEquals(straight.network().parameters(), again.network().parameters(),
                "the resumed run ends with exactly the straight run's weights");
        assertEquals(converged, again.metadata().metrics().get("convergence"), "and stops at the same round");
        assertFalse(Files.exists(Path.of(resumed + ".checkpoints")), "checkpoints removed after publishing");
    }

    @Test
    void theStateIsStoredToTheBitAndACheckpointWithoutItLoadsAtTheStart() throws Exception {
        LayerSizes sizes = new LayerSizes(4, 3, 2);
        Network net = Network.initialise(sizes, 1);
        Convergence state = new Convergence(0.1 + 0.2, 3, 2, 1.0 / 3, -0.0123456789012345, false);
        TrainingState at = new TrainingState(0, 23, 23, net, new double[sizes.parameterCount()], new double[0],
                state);
        String dir = tmp.resolve("checkpoints").toString();
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(Checkpoint.of("f", at), Map.of());
        assertEquals(state, store.latest().orElseThrow().checkpoint().convergence(), "stored to the bit");
        assertEquals(state, store.latest().orElseThrow().checkpoint().toState().convergence());

        Path info = Path.of(dir, "step-000000000023", "checkpoint.json");
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(info.toFile());
        assertTrue(json.has("convergence"));
        json.remove("convergence");
        Files.write(info, Json.MAPPER.writeValueAsBytes(json));
        Checkpoint old = store.latest().orElseThrow().checkpoint();
        assertEquals(Convergence.START, old.convergence(), "a checkpoint without the state starts the check");
        assertArrayEquals(net.parameters(), old.network().parameters());

        store.save(Checkpoint.of("f", new TrainingState(0, 30, 30, net, new double[sizes.parameterCount()])),
                Map.of());
        assertFalse(Files.readString(Path.of(dir, "step-000000000030", "checkpoint.json")).contains("convergence"),
                "a run without a tolerance writes checkpoints as before");
    }

    @Test
    void theToleranceIsPartOfTheFingerprintOnlyWhenOn() {
        Network start = Network.initialise(new LayerSizes(784, 12, 10), 5);
        String off = fingerprint(config(0), start);
        assertEquals(off, fingerprint(new TrainingConfig(12, 5, InputScaling.of(Presets.DEFAULT.scaling()), 2, 100,
                config(0).phases()), start), "tol 0 keeps the fingerprint of a run before tol existed");
        assertNotEquals(off, fingerprint(config(0.05), start));
        assertNotEquals(fingerprint(config(0.01), start), fingerprint(config(0.05), start));
    }

    private static String fingerprint(TrainingConfig config, Network start) {
        return ConfigFingerprint.of(ConfigFingerprint.describe(config, Map.of("a", "b"),
                Presets.DEFAULT.sampling().sampler()), start);
    }
}
