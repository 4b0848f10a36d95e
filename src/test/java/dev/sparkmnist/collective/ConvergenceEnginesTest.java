package dev.sparkmnist.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;
import dev.sparkmnist.train.DistributedTrainer;
import dev.sparkmnist.train.KeyedShuffleSampler;
import dev.sparkmnist.train.LearningRateSchedule;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.PhaseEngine;
import dev.sparkmnist.train.RoundStats;
import dev.sparkmnist.train.ScaleOut;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingListener;
import dev.sparkmnist.train.TrainingState;

/**
 * The convergence tolerance ({@code tol}) on both engines: 0 never stops a run early; a tolerance stops it at the
 * epoch that the round losses of the same run without a tolerance predict (computed here from those losses, by the
 * rule's definition, not by the trainer's code); and the job-per-round and collective engines stop at the same
 * round with the same weights and velocity to the bit: on synchronous double SGD, on float steps updated slice by
 * slice with listeners that never ask for the weights (the stopping round must gather them), and on rounds of
 * several local steps that straddle epochs.
 */
class ConvergenceEnginesTest {
    private static final LayerSizes SIZES = new LayerSizes(784, 16, 10);
    /** 600 records in batches of 60: an epoch is 10 iterations. */
    private static final int RECORDS = 600;
    private static final int BATCH = 60;

    @TempDir
    static Path dir;
    private static Path data;

    @BeforeAll
    static void writeData() {
        data = SyntheticDigits.writeMnistLike(dir.resolve("data"), RECORDS, 10, false, 11);
    }

    @Test
    void synchronousDoubleSgdStopsAtThePredictedEpochOnBothEngines() {
        PhaseConfig phase = new PhaseConfig(300, BATCH, 0.002, 0.01, 0.9, 1, LearningRateSchedule.CONSTANT);
        check(5, List.of(phase), true);
    }

    @Test
    void shardedFloatStepsStopWithTheWholeStateGathered() {
        PhaseConfig auto = new PhaseConfig(300, BATCH, 0.002, 0.01, 0.9, 0, LearningRateSchedule.CONSTANT, true, 0);
        check(8, List.of(auto), false);
    }

    /** 3 partitions, 7 local steps a round: rounds straddle epochs; the stop in phase 1 skips phase 2. */
    @Test
    void localStepsStraddlingEpochsAndALaterPhaseSkipped() {
        PhaseConfig first = new PhaseConfig(300, BATCH, 0.002, 0.01, 0.9, 7, LearningRateSchedule.CONSTANT);
        PhaseConfig second = new PhaseConfig(50, BATCH, 0.001, 0.01, 0.9, 1, LearningRateSchedule.CONSTANT);
        check(3, List.of(first, second), true);
    }

    private void check(int partitions, List<PhaseConfig> phases, boolean listenersReadWeights) {
        JavaSparkContext sc = SharedSpark.get();
        IdxRddLoader.LoadedSet set = IdxRddLoader.load(sc, MnistFiles.train(data.toString()), partitions);
        try {
            TrainingConfig off = new TrainingConfig(SIZES.hidden(), 7, InputScaling.MNIST_STANDARD, partitions, 5,
                    phases, ScaleOut.SPLIT);
            long total = off.totalIterations();
            List<Round> full = new ArrayList<>();
            TrainingState untouched = train(sc, off, set, null, full, listenersReadWeights);
            assertEquals(total, untouched.globalStep(), "tol 0 runs every iteration");
            assertFalse(untouched.converged());

            double tol = 0.05;
            long predicted = predictedStop(full, phases.get(0).iterations(), RECORDS / BATCH, tol);
            assertTrue(predicted > 0 && predicted < phases.get(0).iterations(),
                    "the test's data must converge within the first phase at tol " + tol + ": " + predicted);

            TrainingConfig on = off.withTol(tol);
            List<Round> byJobs = new ArrayList<>();
            TrainingState jobs = train(sc, on, set, null, byJobs, listenersReadWeights);
            List<Round> byCollective = new ArrayList<>();
            TrainingState collective = train(sc, on, set, new CollectiveEngine(sc), byCollective,
                    listenersReadWeights);

            assertTrue(jobs.converged(), "the job engine converged");
            assertEquals(predicted, jobs.globalStep(), "stops at the end of the predicted epoch's last round");
            assertEquals(full.subList(0, byJobs.size()), byJobs, "the same rounds as without tol, up to the stop");
            assertEquals(byJobs, byCollective, "both engines run the same rounds with the same losses");
            assertTrue(collective.converged(), "the collective engine converged");
            assertEquals(jobs.globalStep(), collective.globalStep());
            assertEquals(jobs.convergence(), collective.convergence());
            assertArrayEquals(jobs.network().parameters(), collective.network().parameters(),
                    partitions + " partitions: weights differ between the engines");
            assertArrayEquals(jobs.velocity(), collective.velocity(), "velocity differs between the engines");
        } finally {
            set.blocks().unpersist(false);
        }
    }

    /**
     * The global step after which a run with {@code tol} stops, from the rounds of the same run without it: an
     * epoch ends with the round that reaches a multiple of {@code epoch} iterations of the phase, its mean is the
     * step-weighted mean of its rounds' losses, and the run stops once an epoch's improvement on the previous one,
     * relative to it, is below tol. -1 when it never does within the first phase.
     */
    private static long predictedStop(List<Round> rounds, long firstPhaseIterations, long epoch, double tol) {
        double sum = 0;
        long steps = 0;
        double previous = Double.NaN;
        long done = 0;
        for (Round r : rounds) {
            if (done >= firstPhaseIterations) {
                break;
            }
            sum += Double.longBitsToDouble(r.lossBits()) * r.steps();
            steps += r.steps();
            long before = done;
            done += r.steps();
            if (done / epoch > before / epoch) {
                double mean = sum / steps;
                if (!Double.isNaN(previous) && (previous - mean) / Math.abs(previous) < tol) {
                    return r.globalStep();
                }
                previous = mean;
                sum = 0;
                steps = 0;
            }
        }
        return -1;
    }

    private static TrainingState train(JavaSparkContext sc, TrainingConfig config, IdxRddLoader.LoadedSet set,
                                       PhaseEngine engine, List<Round> rounds, boolean readsWeights) {
        TrainingListener listener = new TrainingListener() {
            @Override
            public void afterRound(TrainingState state, RoundStats stats) {
                rounds.add(new Round(state.globalStep(), stats.iterations(),
                        Double.doubleToRawLongBits(stats.batchLoss())));
            }

            @Override
            public boolean needsWeights() {
                return readsWeights;
            }
        };
        KeyedShuffleSampler sampler = new KeyedShuffleSampler();
        DistributedTrainer trainer = engine == null
                ? new DistributedTrainer(sc, config, sampler, List.of(listener))
                : new DistributedTrainer(sc, config, sampler, List.of(listener), engine);
        return trainer.train(set.blocks(), TrainingState.start(Network.initialise(SIZES, 7)));
    }

    /** A round as listeners see it: where it ended, its steps and its loss's bits. */
    private record Round(long globalStep, long steps, long lossBits) {
    }
}
