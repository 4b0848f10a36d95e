package dev.sparkmnist.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * How a phase runs on P partitions ({@link ScaleOut#plan}): global batch, iterations for the same epochs, the rate
 * after linear scaling, warm-up and cap, local steps and averaging picked from P, post-local's synchronous start;
 * and the block-momentum arithmetic against a plain loop written out here.
 */
class ScaleOutPlanTest {
    private static final PhaseConfig AUTO = new PhaseConfig(1_700, 256, 0.0005, 0.002, 0.9, 0,
            LearningRateSchedule.COSINE);
    private static final ScaleOut SPREAD = new ScaleOut(128, Averaging.AUTO, 0.1, 8, 0.1, 0);

    @Test
    void twoPartitionsRunThePhaseAsConfigured() {
        PhasePlan p = SPREAD.plan(AUTO, 2);
        assertEquals(256, p.globalBatch());
        assertEquals(1_700, p.iterations());
        assertEquals(32, p.localSteps());
        assertEquals(Averaging.PLAIN, p.averaging());
        assertEquals(0, p.warmupIterations());
        for (long t : new long[] {0, 17, 900, 1_699}) {
            // bit for bit the unscaled schedule: the 2-partition default is the run before issue 12
            assertEquals(AUTO.schedule().at(AUTO.learningRate(), t, 1_700), p.rate(t), 0.0);
        }
    }

    @Test
    void morePartitionsKeepTheEpochsAndScaleTheRateLinearlyUpToTheCap() {
        ScaleOut plain = SPREAD.with(128, Averaging.PLAIN);
        PhasePlan p = plain.plan(AUTO, 8);   // global 1024 = 4 x the reference batch
        assertEquals(1024, p.globalBatch());
        assertEquals(425, p.iterations());
        assertEquals(8, p.localSteps());
        assertEquals(43, p.warmupIterations());
        // the summed-gradient rate stays: the per-sample rate grows 4x (linear scaling)
        assertEquals(AUTO.learningRate() * 1024, p.perSampleRate(), 1e-12);
        assertEquals(AUTO.learningRate() / 4 * (1 + 3.0 / 43), p.rate(0) / cosine(0, 425), 1e-15);
        assertEquals(AUTO.learningRate() * cosine(100, 425), p.rate(100), 1e-15);
        PhasePlan capped = plain.plan(AUTO, 64);   // global 8192 = 32x, capped at 8x
        assertEquals(8192, capped.globalBatch());
        assertEquals(54, capped.iterations());
        assertEquals(8, capped.localSteps());
        assertEquals(AUTO.learningRate() * 256 * 8, capped.perSampleRate(), 1e-12);
    }

    /**
     * A large batch (the best preset's) replaces the phase's batch only where the automatic local steps make the
     * steps synchronous: the same samples in fewer steps, at the stated rate factor, every step a float gradient.
     */
    @Test
    void aLargeBatchTakesOverWhereTheStepsAreSynchronous() {
        ScaleOut large = new ScaleOut(0, Averaging.AUTO, 0.1, 8, 0.1, 0, new ScaleOut.LargeBatch(2048, 0.5));
        PhaseConfig best = new PhaseConfig(23_440, 256, 0.0002, 0.0005, 0.9, 0, LearningRateSchedule.COSINE);
        for (int partitions : new int[] {1, 2, 4}) {
            PhasePlan local = large.plan(best, partitions);
            assertEquals(256, local.globalBatch(), partitions + " partitions: local SGD keeps the phase's batch");
            assertEquals(23_440, local.iterations());
            assertEquals(ScaleOut.SPLIT.with(0, Averaging.AUTO).plan(best, partitions).localSteps(),
                    local.localSteps());
        }
        for (int partitions : new int[] {5, 8, 32, 64}) {
            PhasePlan p = large.plan(best, partitions);
            assertEquals(2048, p.globalBatch(), partitions + " partitions");
            assertEquals(0, p.partitionBatch(), "split over the partitions");
            assertEquals(2_930, p.iterations(), "100 epochs of 60,000 at 2,048: 23,440 x 256 / 2,048");
            assertEquals(1, p.localSteps());
            assertEquals(true, p.floatGradients());
            assertEquals(0.0001 * cosine(7, 2_930), p.rate(7), 1e-18, "half the phase's summed-gradient rate");
            assertEquals(0.0001 * 2048, p.perSampleRate(), 1e-12);
        }
        // an explicit local-step count, block momentum, a per-partition batch, or none: the phase as given
        assertEquals(256, large.plan(best.withLocalSteps(1), 8).globalBatch());
        assertEquals(256, large.with(0, Averaging.BMUF).plan(best, 8).globalBatch());
        assertEquals(1024, large.with(128, Averaging.AUTO).plan(best, 8).globalBatch());
        assertEquals(256, large.withoutLargeBatch().plan(best, 8).globalBatch());
        assertThrows(InvalidConfigException.class, () -> new ScaleOut.LargeBatch(0, 0.5));
        assertThrows(InvalidConfigException.class, () -> new ScaleOut.LargeBatch(2048, Double.NaN));
    }

    @Test
    void blockMomentumKeepsTheReferenceRateAndGrowsMomentumWithPartitions() {
        assertEquals(Averaging.PLAIN, SPREAD.plan(AUTO, 32).averaging(), "auto is plain averaging");
        PhasePlan p = SPREAD.with(128, Averaging.BMUF).plan(AUTO, 32);
        assertEquals(Averaging.BMUF, p.averaging());
        assertEquals(1 - 1 / 32.0, p.blockMomentum(), 0);
        assertEquals(AUTO.learningRate() * 256, p.perSampleRate(), 1e-12);
        assertEquals(0, p.warmupIterations());
        assertEquals(107, p.iterations());
    }

    @Test
    void postLocalStartsWithOneStepPerJob() {
        PhasePlan p = SPREAD.with(128, Averaging.POST_LOCAL).plan(AUTO, 4);
        assertEquals(850, p.iterations());
        assertEquals(85, p.syncIterations());
        assertEquals(1, p.stepsAt(0));
        assertEquals(1, p.stepsAt(84));
        assertEquals(16, p.stepsAt(85));
        assertEquals(850 - 848, p.stepsAt(848));
    }

    @Test
    void splitModeKeepsTheBatchAndCutsTheLocalStepsAsPartitionsGrow() {
        int[][] expected = {{1, 32}, {2, 32}, {3, 21}, {4, 16}, {5, 1}, {8, 1}, {16, 1}, {32, 1}, {64, 1}, {200, 1}};
        for (int[] e : expected) {
            PhasePlan p = ScaleOut.SPLIT.plan(AUTO, e[0]);
            assertEquals(256, p.globalBatch());
            assertEquals(0, p.partitionBatch());
            assertEquals(1_700, p.iterations());
            assertEquals(e[1], p.localSteps(), e[0] + " partitions");
            assertEquals(AUTO.schedule().at(AUTO.learningRate(), 900, 1_700), p.rate(900), 0.0);
            // chosen automatically: several steps average float models; one step per job sums float gradients
            assertEquals(e[1] > 1, p.local(), e[0] + " partitions");
            assertEquals(e[1] == 1, p.floatGradients(), e[0] + " partitions");
        }
        PhasePlan fixed = ScaleOut.SPLIT.plan(AUTO.withLocalSteps(1), 8);
        assertEquals(1, fixed.localSteps());
        assertEquals(false, fixed.local(), "--local-steps 1 is exact synchronous SGD on double gradients");
        assertEquals(false, fixed.floatGradients(), "--local-steps 1 is exact synchronous SGD on double gradients");
    }

    @Test
    void theGlobalBatchCapShrinksThePartitionBatch() {
        ScaleOut capped = new ScaleOut(128, Averaging.AUTO, 0.1, 8, 0.1, 512);
        assertEquals(256, capped.plan(AUTO, 2).globalBatch());
        assertEquals(512, capped.plan(AUTO, 4).globalBatch());
        PhasePlan p = capped.plan(AUTO, 32);
        assertEquals(16, p.partitionBatch());
        assertEquals(512, p.globalBatch());
        assertEquals(850, p.iterations());
        assertEquals(8, p.localSteps());
        assertEquals(AUTO.learningRate() * 512, p.perSampleRate(), 1e-12);
        assertEquals(1, new ScaleOut(128, Averaging.AUTO, 0.1, 8, 0.1, 512).plan(AUTO, 1024).partitionBatch());
    }

    @Test
    void badSettingsNameTheirOption() {
        assertEquals("--partition-batch must be 0 (split) or positive, got -1", assertThrows(
                InvalidConfigException.class, () -> new ScaleOut(-1, Averaging.PLAIN, 0, 1, 0, 0)).getMessage());
        assertThrows(InvalidConfigException.class, () -> new ScaleOut(8, Averaging.PLAIN, 0, 0.5, 0, 0));
        assertEquals("--averaging must be plain, bmuf, post-local or auto, got 'slow'", assertThrows(
                InvalidConfigException.class, () -> Averaging.parse("slow", "--averaging")).getMessage());
        assertEquals(Averaging.POST_LOCAL, Averaging.parse("post-local", "--averaging"));
    }

    @Test
    void blockMomentumMatchesAPlainLoop() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 50;
        double mu = 0.75;
        double[] global = new double[n];
        double[] delta = new double[n];
        double[] refGlobal = new double[n];
        double[] refDelta = new double[n];
        for (int i = 0; i < n; i++) {
            global[i] = refGlobal[i] = r.nextDouble() - 0.5;
        }
        for (int round = 0; round < 4; round++) {
            double[] start = BlockMomentum.start(global, delta, mu);
            double[] average = new double[n];
            double[] step = new double[n];
            for (int i = 0; i < n; i++) {
                step[i] = r.nextDouble() - 0.5;
                average[i] = start[i] + step[i];   // what the partitions' average did in this block
            }
            BlockMomentum.apply(global, delta, start, average, mu);
            for (int i = 0; i < n; i++) {
                double lookAhead = refGlobal[i] + mu * refDelta[i];
                assertEquals(lookAhead, start[i], 1e-12, "start " + i);
                refDelta[i] = mu * refDelta[i] + step[i];
                refGlobal[i] = refGlobal[i] + refDelta[i];
            }
            for (int i = 0; i < n; i++) {
                assertEquals(refGlobal[i], global[i], 1e-12, "round " + round + ", global " + i);
                assertEquals(refDelta[i], delta[i], 1e-12, "round " + round + ", delta " + i);
            }
        }
        // With mu = 0 the global model is the partitions' average: plain model averaging.
        double[] g = global.clone();
        double[] d = new double[n];
        double[] avg = new double[n];
        for (int i = 0; i < n; i++) {
            avg[i] = r.nextDouble();
        }
        BlockMomentum.apply(g, d, BlockMomentum.start(g, d, 0), avg, 0);
        assertArrayEquals(avg, g, 1e-15);
    }

    private static double cosine(long t, long steps) {
        return 0.5 * (1 + Math.cos(Math.PI * t / (double) steps));
    }
}
