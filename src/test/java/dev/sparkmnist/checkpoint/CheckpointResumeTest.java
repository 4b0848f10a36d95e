package dev.sparkmnist.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.augment.Augmentation;
import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.pipeline.Presets;
import dev.sparkmnist.pipeline.TrainingJob;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;
import dev.sparkmnist.train.Averaging;
import dev.sparkmnist.train.BatchSampler;
import dev.sparkmnist.train.LearningRateSchedule;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.ScaleOut;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingListener;

/**
 * Checkpoints in one JVM: a run that crashes (an injected exception at iteration 50 of 120, in the first phase,
 * local SGD with rounds of 4 whose float models and velocities travel through the checkpoint; or at 110, in the
 * synchronous second phase) and is then resumed ends with exactly the weights of an uninterrupted run; a different
 * configuration is refused; {@code --resume} without a checkpoint is refused; checkpoints are pruned and removed
 * once the model is published. Training images are distorted on the fly in both phases ({@code --augment}), so
 * this also holds the keyed distortions to bit-for-bit reproducibility. The real {@code kill -9} of a driver is in {@code DriverKillResumeTest}.
 */
class CheckpointResumeTest {

    @TempDir
    Path tmp;

    private String[] args(Path data, Path out, String... extra) {
        return args(AUGMENT, data, out, extra);
    }

    private String[] args(String augment, Path data, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data-dir", data.toString(), "--out", out.toString(),
                "--hidden", "12", "--seed", "5", "--log-every", "100",
                "--phase", "iterations=80,batch-size=24,lr=0.01,momentum=0.9,local-steps=4,schedule=cosine",
                "--phase", "iterations=40,batch-size=24,lr=0.003,momentum=0.5,local-steps=1",
                "--checkpoint-every", "25", "--keep-checkpoints", "2", "--augment", augment));
        if (!List.of(extra).contains("--partitions")) {
            a.addAll(List.of("--partitions", "2"));
        }
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private static final String AUGMENT = "rotation=8,scale=0.1,shear=0.1,shift=1,alpha=30,sigma=4";

    /**
     * The same configuration as {@link #args}, for calling the job with an injected crash: Nesterov momentum and
     * label smoothing come from the default preset there, as here, and batches are drawn its way
     * ({@link #SAMPLER}, shuffled epochs), so resuming also holds the epoch orders to bit-for-bit reproducibility.
     */
    private static TrainingConfig config() {
        PhaseConfig d = Presets.DEFAULT.phases().get(0);
        return new TrainingConfig(12, 5, InputScaling.of(Presets.DEFAULT.scaling()), 2, 100, List.of(
                new PhaseConfig(80, 24, 0.01, 0.002, 0.9, 4, LearningRateSchedule.COSINE, d.nesterov(),
                        d.labelSmoothing()),
                new PhaseConfig(40, 24, 0.003, 0.002, 0.5, 1, LearningRateSchedule.COSINE, d.nesterov(),
                        d.labelSmoothing())), ScaleOut.SPLIT, Augmentation.parse(AUGMENT));
    }

    private static final BatchSampler SAMPLER = Presets.DEFAULT.sampling().sampler();

    /** 8 partitions of 6 samples (global batch 48, so 40 + 20 iterations) under block momentum. */
    private static final String[] BMUF_8 = {"--partitions", "8", "--partition-batch", "6", "--averaging", "bmuf"};

    /** {@link #config()} on 8 partitions under block momentum, as {@link #BMUF_8} makes it. */
    private static TrainingConfig bmufConfig() {
        TrainingConfig c = config();
        return new TrainingConfig(c.hidden(), c.seed(), c.scaling(), 8, c.logEvery(), c.phases(),
                Presets.DEFAULT.scaleOut().with(6, Averaging.BMUF), c.augmentation());
    }

    /** 8 partitions with automatic local steps: the default preset's rule, one step per job, float models. */
    private static final String[] AUTO_8 = {"--partitions", "8", "--local-steps", "auto"};

    /** {@link #config()} on 8 partitions with automatic local steps, as {@link #AUTO_8} makes it. */
    private static TrainingConfig autoConfig() {
        TrainingConfig c = config();
        return new TrainingConfig(c.hidden(), c.seed(), c.scaling(), 8, c.logEvery(),
                c.phases().stream().map(p -> p.withLocalSteps(0)).toList(), Presets.DEFAULT.scaleOut(),
                c.augmentation());
    }

    @ParameterizedTest(name = "crash at iteration {0}")
    @ValueSource(longs = {50, 110})
    void crashedAndResumedRunEqualsStraightRunBitForBit(long crashAt) throws Exception {
        crashResumeAndCompare(crashAt, config());
    }

    /**
     * Block momentum on 8 partitions (issue 12): the driver's momentum buffer goes through the checkpoint, in the
     * first phase (4 local steps per job) and in the second (1 step per job, still block momentum).
     */
    @ParameterizedTest(name = "8 partitions, block momentum, crash at iteration {0}")
    @ValueSource(longs = {30, 50})
    void blockMomentumOnEightPartitionsResumesBitForBit(long crashAt) throws Exception {
        crashResumeAndCompare(crashAt, bmufConfig(), BMUF_8);
    }

    /** The default preset's automatic local steps on 8 partitions (issue 12) resume bit for bit too. */
    @ParameterizedTest(name = "8 partitions, automatic local steps, crash at iteration {0}")
    @ValueSource(longs = {50, 110})
    void automaticLocalStepsOnEightPartitionsResumeBitForBit(long crashAt) throws Exception {
        crashResumeAndCompare(crashAt, autoConfig(), AUTO_8);
    }

    private void crashResumeAndCompare(long crashAt, TrainingConfig config, String... extra) throws Exception {
        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 600, 100, false, 3);
        Path straight = tmp.resolve("straight");
        Path resumed = tmp.resolve("resumed");
        // The --phase options of args() leave lambda and schedule of phase 2 to the default preset; config()
        // must match it, which the fingerprint checks for us below (the resume would be refused otherwise).
        assertEquals(0, CliRun.of(args(data, straight, extra)).exitCode());
        assertFalse(Files.exists(Path.of(straight + ".checkpoints")), "checkpoints removed after publishing");
        assertEquals(Augmentation.parse(AUGMENT).toString(),
                ModelStore.load(straight.toString()).metadata().augmentation(), "model.json records the distortions");

        TrainingListener crash = (state, stats) -> {
            if (state.globalStep() >= crashAt) {
                throw new IllegalStateException("injected crash at iteration " + state.globalStep());
            }
        };
        CheckpointOptions options = new CheckpointOptions(null, 25, 0, 2, false);
        RuntimeException e = assertThrows(RuntimeException.class, () -> TrainingJob.run(SharedSpark.get(),
                new TrainingJob.Spec(data.toString(), resumed.toString(), config, null, SAMPLER),
                List.of(crash), options));
        assertTrue(e.getMessage().contains("injected crash"), e.getMessage());
        assertFalse(Files.exists(resumed), "no model directory after a crash");
        CheckpointStore store = new CheckpointStore(resumed + ".checkpoints", 2);
        List<Long> steps = store.steps();
        // Every 25 iterations: at 50 only the one at 28 exists; at 110 older ones were pruned to the newest two.
        assertEquals(crashAt > 75 ? 2 : 1, steps.size(), "only the newest two are kept: " + steps);
        assertTrue(steps.get(0) >= crashAt - 25 && steps.get(0) < crashAt + 4, "newest checkpoint " + steps);

        CliRun wrong = CliRun.of(args(data, resumed, concat(extra, "--lr", "0.02")));
        assertEquals(ExitCodes.BAD_INPUT, wrong.exitCode());
        assertTrue(wrong.stderr().contains("different configuration"), wrong.stderr());
        CliRun otherDistortions = CliRun.of(args("rotation=5", data, resumed, extra));
        assertEquals(ExitCodes.BAD_INPUT, otherDistortions.exitCode(), "the fingerprint covers the distortions");
        assertTrue(otherDistortions.stderr().contains("different configuration"), otherDistortions.stderr());
        assertFalse(Files.exists(resumed), "a refused run writes no model");

        CliRun resume = CliRun.of(args(data, resumed, concat(extra, "--resume")));
        assertEquals(0, resume.exitCode(), resume.stderr());
        double[] a = ModelStore.load(straight.toString()).network().parameters();
        double[] b = ModelStore.load(resumed.toString()).network().parameters();
        System.out.printf("resumed vs straight: max |difference| = %s over %d weights%n", maxAbsDiff(a, b),
                a.length);
        assertArrayEquals(a, b, 0.0, "resumed run must end with exactly the straight run's weights");
    }

    @Test
    void resumeWithoutCheckpointIsRefused() throws Exception {
        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 200, 50, false, 4);
        Path out = tmp.resolve("model");
        CliRun run = CliRun.of(args(data, out, "--resume"));
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode());
        assertTrue(run.stderr().contains("no checkpoint found"), run.stderr());
        assertFalse(Files.exists(out));
    }

    @Test
    void invalidCheckpointOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CheckpointOptions(null, -1, 0, 3, false));
        assertThrows(IllegalArgumentException.class, () -> new CheckpointOptions(null, 10, 0, 0, false));
        assertEquals("/a/b.checkpoints", new CheckpointOptions(null, 1, 0, 1, false).resolveDir("/a/b"));
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
