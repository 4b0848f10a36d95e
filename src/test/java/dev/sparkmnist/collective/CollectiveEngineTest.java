package dev.sparkmnist.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.augment.Augmentation;
import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;
import dev.sparkmnist.train.Averaging;
import dev.sparkmnist.train.DistributedTrainer;
import dev.sparkmnist.train.KeyedShuffleSampler;
import dev.sparkmnist.train.LearningRateSchedule;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.PhaseEngine;
import dev.sparkmnist.train.ScaleOut;
import dev.sparkmnist.train.RoundStats;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingListener;
import dev.sparkmnist.train.TrainingState;

/**
 * The collective engine computes what the job-per-round engine computes, to the bit, at the same partition count:
 * for synchronous double-precision SGD (one local step, as the notebook), for local SGD in float (the default
 * preset's auto local steps, one step per round from 5 partitions on) and under block momentum, with more
 * partitions than the two task slots of {@code local[2]} (so each task works for several partitions), and over
 * two phases.
 */
class CollectiveEngineTest {
    private static final LayerSizes SIZES = new LayerSizes(784, 24, 10);

    @TempDir
    Path dir;

    @Test
    void synchronousDoubleSgdMatchesTheJobPerRoundEngineBitForBit() {
        PhaseConfig a = new PhaseConfig(12, 60, 0.002, 0.05, 0.9, 1, LearningRateSchedule.COSINE, true, 0.1);
        PhaseConfig b = new PhaseConfig(6, 60, 0.001, 0.02, 0, 1, LearningRateSchedule.CONSTANT);
        compare(5, List.of(a, b), ScaleOut.SPLIT);
    }

    @Test
    void localSgdWithAutoLocalStepsMatchesBitForBit() {
        PhaseConfig auto = new PhaseConfig(20, 64, 0.002, 0.0001, 0.9, 0, LearningRateSchedule.COSINE, true, 0.1);
        compare(8, List.of(auto), ScaleOut.SPLIT);   // 8 partitions: one float step per round
        compare(3, List.of(auto), ScaleOut.SPLIT);   // 3 partitions: 21 local steps per round
    }

    /**
     * Float steps update sharded (each task its slice, then the tasks gather the weights): with listeners that
     * never read the weights, task 0 gathers the whole state only at the phase's end, and it must still be the job
     * engine's, velocity included; and so must every round's loss, whose L2 term comes from the slices' sums.
     */
    @Test
    void shardedUpdateGathersTheSameStateWhenNoListenerReadsTheWeights() {
        PhaseConfig auto = new PhaseConfig(20, 64, 0.002, 0.0001, 0.9, 0, LearningRateSchedule.COSINE, true, 0.1);
        compare(8, List.of(auto), ScaleOut.SPLIT, Augmentation.NONE, false);
    }

    /**
     * Several local steps per round on one partition per task, with distortions: the round count, not the step,
     * must alternate the owners' buffers (a step-parity choice reused a buffer a peer was still reading).
     */
    @Test
    void severalLocalStepsPerRoundWithDistortionsMatchBitForBit() {
        PhaseConfig four = new PhaseConfig(40, 24, 0.01, 0.002, 0.9, 4, LearningRateSchedule.COSINE, true, 0.1);
        compare(2, List.of(four), ScaleOut.SPLIT,
                Augmentation.parse("rotation=8,scale=0.1,shear=0.1,shift=1,alpha=30,sigma=4"));
    }

    @Test
    void blockMomentumMatchesBitForBit() {
        PhaseConfig phase = new PhaseConfig(16, 64, 0.002, 0.0001, 0.9, 4, LearningRateSchedule.CONSTANT);
        compare(4, List.of(phase), ScaleOut.SPLIT.with(0, Averaging.BMUF));
    }

    private void compare(int partitions, List<PhaseConfig> phases, ScaleOut scaleOut) {
        compare(partitions, phases, scaleOut, Augmentation.NONE);
    }

    private void compare(int partitions, List<PhaseConfig> phases, ScaleOut scaleOut, Augmentation augmentation) {
        compare(partitions, phases, scaleOut, augmentation, true);
    }

    private void compare(int partitions, List<PhaseConfig> phases, ScaleOut scaleOut, Augmentation augmentation,
                         boolean listenersReadWeights) {
        Path data = SyntheticDigits.writeMnistLike(dir.resolve("p" + partitions + phases.hashCode()), 600, 10, false,
                3);
        JavaSparkContext sc = SharedSpark.get();
        IdxRddLoader.LoadedSet set = IdxRddLoader.load(sc, MnistFiles.train(data.toString()), partitions);
        TrainingConfig config = new TrainingConfig(SIZES.hidden(), 7, InputScaling.MNIST_STANDARD, partitions, 5,
                phases, scaleOut, augmentation);
        Network start = Network.initialise(SIZES, 7);
        List<String> jobRounds = new ArrayList<>();
        TrainingState byJobs = train(sc, config, set, start, null, jobRounds, listenersReadWeights);
        List<String> collectiveRounds = new ArrayList<>();
        TrainingState collective = train(sc, config, set, start, new CollectiveEngine(sc), collectiveRounds,
                listenersReadWeights);
        set.blocks().unpersist(false);
        assertArrayEquals(byJobs.network().parameters(), collective.network().parameters(),
                partitions + " partitions: weights differ between the engines");
        assertArrayEquals(byJobs.velocity(), collective.velocity(), partitions + " partitions: velocity differs");
        assertEquals(byJobs.globalStep(), collective.globalStep());
        assertEquals(jobRounds, collectiveRounds, "listeners see the same rounds");
        assertTrue(collectiveRounds.size() >= 1);
    }

    /** Trains; {@code rounds} gets each round's global step and loss (to the bit). */
    private static TrainingState train(JavaSparkContext sc, TrainingConfig config, IdxRddLoader.LoadedSet set,
                                       Network start, PhaseEngine engine, List<String> rounds,
                                       boolean readsWeights) {
        KeyedShuffleSampler sampler = new KeyedShuffleSampler();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void afterRound(TrainingState state, RoundStats stats) {
                rounds.add(state.globalStep() + ": " + Double.doubleToRawLongBits(stats.batchLoss()));
            }

            @Override
            public boolean needsWeights() {
                return readsWeights;
            }
        };
        DistributedTrainer trainer = engine == null
                ? new DistributedTrainer(sc, config, sampler, List.of(listener))
                : new DistributedTrainer(sc, config, sampler, List.of(listener), engine);
        return trainer.train(set.blocks(), TrainingState.start(start.copy()));
    }
}
