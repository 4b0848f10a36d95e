package dev.sparkmnist.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.augment.Augmentation;
import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;

/**
 * The Spark driver loop. Each round ships the weights ({@link ShippedModel}), runs one Spark job in which every
 * partition works on its share of the mini-batch ({@link PartitionStepTask}), and combines the partitions' results on the driver:
 * with one local step it sums their gradients and applies {@link MomentumSgd} (exact synchronous SGD, the
 * notebook's update); with several it averages, in double, the partitions' locally updated models (which are
 * float, so the averaged model carries float precision), plainly or through block momentum ({@link Averaging}).
 * How each phase runs on the partitions at hand (per-partition batch, rate scaling, local steps) is its
 * {@link PhasePlan}.
 *
 * <p>Results are combined in partition order, never in the order tasks happen to finish, so a run is
 * reproducible bit for bit: the same configuration and partitioning give the same weights, also after a task is
 * retried or a run is resumed. (Spark's {@code treeAggregate} merges in completion order, which changes the last
 * bits of a floating-point sum from run to run; with MNIST-sized models the per-partition results are small, so
 * collecting them costs no more than a tree would.)
 */
public final class DistributedTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);

    private final JavaSparkContext sc;
    private final TrainingConfig config;
    private final BatchSampler sampler;
    private final List<TrainingListener> listeners;

    public DistributedTrainer(JavaSparkContext sc, TrainingConfig config, BatchSampler sampler,
                              List<TrainingListener> listeners) {
        if (config.scaling().needsStatistics()) {
            throw new IllegalStateException("standard scaling must be learnt from the data before training");
        }
        this.sc = sc;
        this.config = config;
        this.sampler = sampler;
        this.listeners = List.copyOf(listeners);
    }

    /** Trains from {@code from} to the end of the last phase and returns the final state. */
    public TrainingState train(JavaRDD<ImageBlock> blocks, TrainingState from) {
        int partitions = blocks.getNumPartitions();
        LayerSizes sizes = from.network().sizes();
        int n = sizes.parameterCount();
        for (PhaseConfig phase : config.phases()) {
            PhasePlan plan = config.scaleOut().plan(phase, partitions);
            if (plan.local() && plan.partitionBatch() == 0 && phase.batchSize() < partitions) {
                throw new InvalidConfigException(String.format(
                        "--batch-size %d is smaller than the %d partitions; local SGD (--local-steps %d) needs "
                                + "at least one sample per partition (or give --partition-batch)",
                        phase.batchSize(), partitions, plan.localSteps()));
            }
        }
        long started = System.nanoTime();
        TrainingState state = from;
        for (int phaseIndex = from.phase(); phaseIndex < config.phases().size(); phaseIndex++) {
            PhaseConfig phase = config.phases().get(phaseIndex);
            PhasePlan plan = config.scaleOut().plan(phase, partitions);
            boolean resuming = phaseIndex == from.phase();
            long done = resuming ? from.phaseIteration() : 0;
            double[] velocity = resuming ? from.velocity().clone() : new double[n];
            boolean bmuf = plan.averaging() == Averaging.BMUF;
            double[] blockMomentum = !bmuf ? new double[0]
                    : resuming && from.blockMomentum().length == n ? from.blockMomentum().clone() : new double[n];
            Network net = state.network().copy();
            long globalStep = state.globalStep();
            LOG.info("phase {}/{}: {} iterations, batch {}, lr {}, lambda {}, momentum {}{}, local steps {}, "
                            + "schedule {}{}{}", phaseIndex + 1, config.phases().size(), plan.iterations(),
                    plan.globalBatch(), phase.learningRate(), phase.lambda(), phase.momentum(),
                    phase.nesterov() ? " (Nesterov)" : "", plan.localSteps(), phase.schedule().name().toLowerCase(),
                    phase.labelSmoothing() > 0 ? ", label smoothing " + phase.labelSmoothing() : "",
                    done > 0 ? ", resuming at iteration " + done : "");
            LOG.info("phase {}/{} on {}", phaseIndex + 1, config.phases().size(), plan.describe(partitions));
            if (phase.localSteps() == 0 && plan.localSteps() == 1 && plan.iterations() > 1) {
                LOG.info("{} partitions: one Spark job per iteration (synchronous SGD) keeps the accuracy of 2 "
                        + "partitions; every job costs tens of milliseconds, so a data set of MNIST's size trains "
                        + "faster on 2-4 partitions (--partitions; README, Scale-out)", partitions);
            }
            while (done < plan.iterations()) {
                int steps = plan.stepsAt(done);
                double[] rates = new double[steps];
                for (int k = 0; k < steps; k++) {
                    rates[k] = plan.rate(done + k);
                }
                boolean local = plan.local();
                StepPlan step = new StepPlan(config.seed(), globalStep, rates, plan.globalBatch(),
                        plan.partitionBatch(), partitions, config.scaling(), phase.lambda(), phase.momentum(),
                        phase.nesterov(), phase.labelSmoothing(), local, sampler, config.augmentation());
                RoundOutcome outcome = runRound(blocks, sizes, net, velocity, step, blockMomentum,
                        plan.blockMomentum());
                if (!local) {
                    MomentumSgd.step(sizes, net.parameters(), velocity, outcome.combined(), rates[0], phase.lambda(),
                            phase.momentum(), phase.nesterov());
                }
                done += steps;
                globalStep += steps;
                double batchLoss = outcome.samples() == 0 ? 0
                        : outcome.lossSum() / outcome.samples() + net.l2Penalty(phase.lambda()) / plan.globalBatch();
                state = new TrainingState(phaseIndex, done, globalStep, net, velocity, blockMomentum);
                if (!Double.isFinite(batchLoss) || !net.isFinite()) {
                    throw new TrainingDivergedException(String.format(
                            "training diverged at iteration %d of phase %d (loss %s%s) with lr %s, lambda %s, "
                                    + "momentum %s, batch %d: try a smaller learning rate (--lr)",
                            done, phaseIndex + 1, batchLoss, net.isFinite() ? "" : ", weights not finite",
                            phase.learningRate(), phase.lambda(), phase.momentum(), plan.globalBatch()));
                }
                RoundStats stats = new RoundStats(phaseIndex, steps, batchLoss, outcome.samples(), rates[0],
                        System.nanoTime() - started);
                for (TrainingListener l : listeners) {
                    l.afterRound(state, stats);
                }
            }
            state = new TrainingState(phaseIndex + 1, 0, globalStep, net, new double[n]);
        }
        for (TrainingListener l : listeners) {
            l.finished(state);
        }
        return state;
    }

    /**
     * The summed gradient (no L2 term) and summed cross-entropy of global step {@code step}'s mini-batch, computed
     * through Spark exactly as a synchronous training round does; the last element of the returned array is the
     * loss. For tests and benchmarks.
     */
    public double[] batchGradient(JavaRDD<ImageBlock> blocks, Network net, long step, int batchSize) {
        StepPlan plan = new StepPlan(config.seed(), step, new double[] {0}, batchSize, 0, blocks.getNumPartitions(),
                config.scaling(), 0, 0, false, 0, false, sampler, Augmentation.NONE);
        RoundOutcome outcome = runRound(blocks, net.sizes(), net, null, plan, new double[0], 0);
        double[] out = Arrays.copyOf(outcome.combined(), outcome.combined().length + 1);
        out[out.length - 1] = outcome.lossSum();
        return out;
    }

    /**
     * One Spark job: returns the partitions' gradients summed (synchronous) or their models averaged into
     * {@code net} and {@code velocity} (local), and the summed loss. Under block momentum ({@code blockMomentum} not
     * empty) the job starts from the look-ahead point and the average is folded in by {@link BlockMomentum}.
     */
    private RoundOutcome runRound(JavaRDD<ImageBlock> blocks, LayerSizes sizes, Network net, double[] velocity,
                                  StepPlan plan, double[] blockMomentum, double mu) {
        int n = sizes.parameterCount();
        boolean bmuf = blockMomentum.length == n;
        double[] start = bmuf ? BlockMomentum.start(net.parameters(), blockMomentum, mu) : net.parameters();
        ShippedModel<?> model = plan.local() ? ShippedModel.of(sc, toFloat(start, velocity))
                : ShippedModel.of(sc, net.parameters().clone());
        try {
            List<PartitionResult> results = blocks
                    .mapPartitionsWithIndex(new PartitionStepTask(sizes, model, plan), true)
                    .collect();
            List<PartitionResult> ordered = new ArrayList<>(results);
            ordered.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            double[] sum = new double[ordered.get(0).length()];
            double loss = 0;
            long samples = 0;
            for (PartitionResult r : ordered) {
                r.addTo(sum);
                loss += r.lossSum();
                samples += r.samples();
            }
            if (plan.local()) {
                double inv = 1.0 / ordered.size();
                double[] p = bmuf ? new double[n] : net.parameters();
                for (int i = 0; i < n; i++) {
                    p[i] = sum[i] * inv;
                    velocity[i] = sum[n + i] * inv;
                }
                if (bmuf) {
                    BlockMomentum.apply(net.parameters(), blockMomentum, start, p, mu);
                }
            }
            return new RoundOutcome(sum, loss, samples);
        } finally {
            model.release();
        }
    }

    /** Parameters then velocity, rounded to float: local SGD's working copy. */
    private static float[] toFloat(double[] params, double[] velocity) {
        int n = params.length;
        float[] out = new float[2 * n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) params[i];
            out[n + i] = (float) velocity[i];
        }
        return out;
    }

    private record RoundOutcome(double[] combined, double lossSum, long samples) {
    }
}
