package dev.sparkmnist.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.nn.Backprop;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.nn.Workspace;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * Local SGD through Spark computes what its definition says: each partition takes K momentum steps on its own share
 * of every mini-batch (its gradient sum scaled up to the whole batch, L2 on the weights only), then the driver
 * averages the partitions' parameters and velocities. Checked against a plain double-precision loop with
 * {@link Backprop} and {@link MomentumSgd}, for 1 and 2 partitions; the trainer's float arithmetic must agree to
 * float accuracy.
 */
class LocalSgdTest {
    private static final int RECORDS = 700;
    private static final int BATCH = 40;
    private static final int STEPS = 4;

    @TempDir
    Path dir;

    @Test
    void localStepsThenAveragingMatchADoubleReference() {
        SyntheticDigits.writeMnistLike(dir, RECORDS, 10, false, 8);
        JavaSparkContext sc = SharedSpark.get();
        LayerSizes sizes = new LayerSizes(784, 16, 10);
        Network start = Network.initialise(sizes, 4);
        SplittableRandom r = new SplittableRandom(6);
        double[] p0 = start.parameters();
        for (int i = sizes.b1Offset(); i < sizes.w2Offset(); i++) {
            p0[i] = r.nextDouble() - 0.5;   // non-zero biases, so L2 wrongly applied to them would show
        }
        for (int i = sizes.b2Offset(); i < sizes.parameterCount(); i++) {
            p0[i] = r.nextDouble() - 0.5;
        }
        int[][] batches = new int[STEPS][BATCH];
        for (int[] b : batches) {
            for (int j = 0; j < BATCH; j++) {
                b[j] = r.nextInt(RECORDS);
            }
            Arrays.sort(b);
        }
        BatchSampler sampler = new FixedBatchSampler(batches);
        PhaseConfig phase = new PhaseConfig(STEPS, BATCH, 0.002, 5.0, 0.9, STEPS, LearningRateSchedule.CONSTANT);

        for (int partitions : new int[] {1, 2}) {
            IdxRddLoader.LoadedSet set = IdxRddLoader.load(sc, MnistFiles.train(dir.toString()), partitions);
            TrainingConfig config = new TrainingConfig(16, 1, InputScaling.MNIST_STANDARD, partitions, 10, List.of(phase));
            List<TrainingState> rounds = new ArrayList<>();
            new DistributedTrainer(sc, config, sampler, List.of((state, stats) -> rounds.add(state)))
                    .train(set.blocks(), TrainingState.start(start.copy()));
            List<ImageBlock> blocks = set.blocks().collect();
            set.blocks().unpersist(false);
            assertEquals(1, rounds.size(), "one Spark round for " + STEPS + " local steps");

            double[][] expected = reference(sizes, p0, blocks, sampler, phase);
            double[] got = rounds.get(0).network().parameters();
            double[] gotVelocity = rounds.get(0).velocity();
            assertClose(expected[0], got, p0, partitions + " partitions, parameters");
            assertClose(expected[1], gotVelocity, new double[p0.length], partitions + " partitions, velocity");
        }
    }

    /**
     * The default preset's automatic local steps on 8 partitions: one step per round, synchronous SGD whose
     * partitions compute float gradients on the sparse kernel, summed and applied in float. Against synchronous SGD
     * on the partitions' double gradients and double weights (--local-steps 1): after 6 iterations both runs agree
     * to float precision.
     */
    @Test
    void automaticLocalStepsOnEightPartitionsAreSynchronousSgd() {
        SyntheticDigits.writeMnistLike(dir, RECORDS, 10, false, 10);
        JavaSparkContext sc = SharedSpark.get();
        LayerSizes sizes = new LayerSizes(784, 16, 10);
        Network start = Network.initialise(sizes, 9);
        IdxRddLoader.LoadedSet set = IdxRddLoader.load(sc, MnistFiles.train(dir.toString()), 8);
        PhaseConfig auto = new PhaseConfig(6, 40, 0.004, 0.5, 0.9, 0, LearningRateSchedule.COSINE);
        double[][] ends = new double[2][];
        int[] rounds = new int[2];
        for (int run = 0; run < 2; run++) {
            PhaseConfig phase = run == 0 ? auto : auto.withLocalSteps(1);
            TrainingConfig config = new TrainingConfig(16, 2, InputScaling.MNIST_STANDARD, 8, 10, List.of(phase));
            assertEquals(1, config.plan(0).localSteps());
            assertEquals(run == 0, config.plan(0).floatGradients(), "auto: float gradients; 1: double gradients");
            int r = run;
            ends[run] = new DistributedTrainer(sc, config, new KeyedRandomSampler(),
                    List.of((state, stats) -> rounds[r]++))
                    .train(set.blocks(), TrainingState.start(start.copy())).network().parameters();
        }
        set.blocks().unpersist(false);
        assertEquals(6, rounds[0], "one Spark job per iteration");
        assertEquals(6, rounds[1]);
        assertClose(ends[1], ends[0], start.parameters(), "8 partitions, auto vs synchronous");
    }

    /** Parameters and velocity after each partition's double-precision local steps, averaged over partitions. */
    private static double[][] reference(LayerSizes sizes, double[] p0, List<ImageBlock> blocks, BatchSampler sampler,
                                        PhaseConfig phase) {
        int n = sizes.parameterCount();
        double[] params = new double[n];
        double[] velocity = new double[n];
        Workspace ws = new Workspace(sizes, BATCH);
        int[] indices = new int[BATCH];
        for (int p = 0; p < blocks.size(); p++) {
            ImageBlock block = blocks.get(p);
            double[] w = p0.clone();
            double[] v = new double[n];
            for (int k = 0; k < STEPS; k++) {
                int drawn = sampler.draw(1, k, p, block.firstRecord(), block.count(), BATCH, indices);
                if (drawn == 0) {
                    continue;
                }
                BatchAssembler.fill(block, indices, drawn, InputScaling.MNIST_STANDARD, ws);
                double[] grad = new double[n];
                Backprop.accumulate(new Network(sizes, w), ws, drawn, grad);
                for (int i = 0; i < n; i++) {
                    grad[i] *= (double) BATCH / drawn;
                }
                MomentumSgd.step(sizes, w, v, grad, phase.learningRate(), phase.lambda(), phase.momentum());
            }
            for (int i = 0; i < n; i++) {
                params[i] += w[i] / blocks.size();
                velocity[i] += v[i] / blocks.size();
            }
        }
        return new double[][] {params, velocity};
    }

    /** The change from {@code from} must match to 1e-3 of the largest expected change. */
    private static void assertClose(double[] expected, double[] got, double[] from, String what) {
        double largest = 0;
        for (int i = 0; i < expected.length; i++) {
            largest = Math.max(largest, Math.abs(expected[i] - from[i]));
        }
        assertTrue(largest > 1e-3, what + ": the steps changed nothing, the test would prove nothing");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - expected[i]));
        }
        assertTrue(worst < 1e-3 * largest, what + ": worst difference " + worst + " against a largest change of "
                + largest);
    }

    /**
     * Per-partition batches under block momentum (issue 12) on 4 partitions, 2 jobs of 2 local steps: each job
     * starts from the look-ahead point, each partition steps on its own 10 samples (the global batch is 40, the
     * reference batch 20, so the summed rate is halved to keep the reference per-sample rate), and the driver
     * folds the average into its momentum buffer. Checked against a plain double loop.
     */
    @Test
    void blockMomentumWithPartitionBatchesMatchesADoubleReference() {
        SyntheticDigits.writeMnistLike(dir, RECORDS, 10, false, 9);
        JavaSparkContext sc = SharedSpark.get();
        LayerSizes sizes = new LayerSizes(784, 16, 10);
        int n = sizes.parameterCount();
        Network start = Network.initialise(sizes, 8);
        int partitions = 4;
        PhaseConfig phase = new PhaseConfig(8, 20, 0.004, 0.5, 0.9, 2, LearningRateSchedule.CONSTANT);
        ScaleOut spread = new ScaleOut(10, Averaging.BMUF, 0, 1, 0, 0);
        TrainingConfig config = new TrainingConfig(16, 3, InputScaling.MNIST_STANDARD, partitions, 10, List.of(phase),
                spread);
        PhasePlan plan = config.plan(0);
        assertEquals(4, plan.iterations(), "8 iterations of 20 samples = 4 of 40");
        BatchSampler sampler = new KeyedRandomSampler();
        IdxRddLoader.LoadedSet set = IdxRddLoader.load(sc, MnistFiles.train(dir.toString()), partitions);
        List<TrainingState> rounds = new ArrayList<>();
        new DistributedTrainer(sc, config, sampler, List.of((state, stats) -> rounds.add(new TrainingState(
                state.phase(), state.phaseIteration(), state.globalStep(), state.network().copy(),
                state.velocity().clone(), state.blockMomentum().clone()))))
                .train(set.blocks(), TrainingState.start(start.copy()));
        List<ImageBlock> blocks = set.blocks().collect();
        set.blocks().unpersist(false);
        assertEquals(2, rounds.size());

        double mu = 1 - 1.0 / partitions;
        double[] global = start.parameters().clone();
        double[] delta = new double[n];
        double[] velocity = new double[n];
        Workspace ws = new Workspace(sizes, 10);
        int[] indices = new int[10];
        for (int round = 0; round < 2; round++) {
            double[] from = new double[n];
            for (int i = 0; i < n; i++) {
                from[i] = global[i] + mu * delta[i];
            }
            double[] avgW = new double[n];
            double[] avgV = new double[n];
            for (int p = 0; p < partitions; p++) {
                ImageBlock block = blocks.get(p);
                double[] w = from.clone();
                double[] v = velocity.clone();
                for (int k = 0; k < 2; k++) {
                    long t = 2L * round + k;
                    int drawn = sampler.draw(3, t, p, block.firstRecord(), block.count(), 10, indices);
                    assertEquals(10, drawn);
                    BatchAssembler.fill(block, indices, drawn, InputScaling.MNIST_STANDARD, ws);
                    double[] grad = new double[n];
                    Backprop.accumulate(new Network(sizes, w), ws, drawn, grad);
                    for (int i = 0; i < n; i++) {
                        grad[i] *= 40.0 / drawn;
                    }
                    MomentumSgd.step(sizes, w, v, grad, phase.learningRate() * 20 / 40, phase.lambda(),
                            phase.momentum());
                }
                for (int i = 0; i < n; i++) {
                    avgW[i] += w[i] / partitions;
                    avgV[i] += v[i] / partitions;
                }
            }
            double[] before = global.clone();
            for (int i = 0; i < n; i++) {
                delta[i] = mu * delta[i] + (avgW[i] - from[i]);
                global[i] += delta[i];
            }
            velocity = avgV;
            TrainingState got = rounds.get(round);
            assertClose(global, got.network().parameters(), before, "round " + round + ", global model");
            assertClose(delta, got.blockMomentum(), new double[n], "round " + round + ", block momentum");
            assertClose(velocity, got.velocity(), new double[n], "round " + round + ", velocity");
        }
    }

    @Test
    void floatStepEqualsDoubleStep() {
        LayerSizes sizes = new LayerSizes(20, 5, 3);
        int n = sizes.parameterCount();
        SplittableRandom r = new SplittableRandom(3);
        double[] p = new double[n];
        double[] v = new double[n];
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = r.nextDouble() - 0.5;
            v[i] = r.nextDouble() - 0.5;
            g[i] = r.nextDouble() - 0.5;
        }
        float[] pf = toFloat(p);
        float[] vf = toFloat(v);
        float[] gf = toFloat(g);
        double[] scaled = g.clone();
        for (int i = 0; i < n; i++) {
            scaled[i] *= 2.5;
        }
        MomentumSgd.step(sizes, p, v, scaled, 0.1, 0.3, 0.9);
        MomentumSgd.step(sizes, pf, vf, gf, 2.5f, 0.1, 0.3, 0.9, false);
        for (int i = 0; i < n; i++) {
            assertEquals(p[i], pf[i], 1e-6, "parameter " + i);
            assertEquals(v[i], vf[i], 1e-6, "velocity " + i);
        }
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
