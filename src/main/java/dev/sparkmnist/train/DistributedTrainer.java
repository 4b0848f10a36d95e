package dev.sparkmnist.train;

import java.util.Arrays;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;

/**
 * Runs a training configuration phase by phase on a {@link PhaseEngine}: one Spark job per round on the driver
 * ({@link JobPerRoundEngine}, the default) or a whole phase inside one stage (the collective engine). Every engine
 * runs the same {@link PhaseRounds} arithmetic: with one local step each partition's gradient is summed and
 * {@link MomentumSgd} applied (exact synchronous SGD, the notebook's update); with several the partitions' locally
 * updated float models are averaged in double, plainly or through block momentum ({@link Averaging}). How each
 * phase runs on the partitions (per-partition batch, rate scaling, local steps) is its {@link PhasePlan}.
 *
 * <p>Results are combined in partition order, never in the order tasks happen to finish, so a run is
 * reproducible bit for bit: the same configuration and partitioning give the same weights, on either engine, also
 * after a task is retried or a run is resumed.
 *
 * <p>With a convergence tolerance ({@link TrainingConfig#tol()}, Spark's {@code tol}) every phase checks its
 * epochs' mean loss ({@link Convergence}); when the relative improvement falls below the tolerance, training stops
 * after that round, skipping the rest of the phase and every later phase. The check reads only the round losses,
 * which are the same to the bit on every engine and task count, so every engine stops at the same round.
 */
public final class DistributedTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);

    private final JavaSparkContext sc;
    private final TrainingConfig config;
    private final BatchSampler sampler;
    private final List<TrainingListener> listeners;
    private final PhaseEngine engine;

    public DistributedTrainer(JavaSparkContext sc, TrainingConfig config, BatchSampler sampler,
                              List<TrainingListener> listeners) {
        this(sc, config, sampler, listeners, new JobPerRoundEngine(sc));
    }

    /** A trainer that runs every phase on {@code engine}. */
    public DistributedTrainer(JavaSparkContext sc, TrainingConfig config, BatchSampler sampler,
                              List<TrainingListener> listeners, PhaseEngine engine) {
        if (config.scaling().needsStatistics()) {
            throw new IllegalStateException("standard scaling must be learnt from the data before training");
        }
        this.sc = sc;
        this.config = config;
        this.sampler = sampler;
        this.listeners = List.copyOf(listeners);
        this.engine = engine;
    }

    /**
     * Trains from {@code from} to the end of the last phase, or to the round at which the convergence check stopped
     * training ({@link TrainingState#converged()}), and returns the final state.
     */
    public TrainingState train(JavaRDD<ImageBlock> blocks, TrainingState from) {
        int partitions = blocks.getNumPartitions();
        LayerSizes sizes = from.network().sizes();
        for (PhaseConfig phase : config.phases()) {
            PhasePlan plan = config.scaleOut().plan(phase, partitions);
            if (plan.local() && plan.partitionBatch() == 0 && phase.batchSize() < partitions) {
                throw new InvalidConfigException(String.format(
                        "--batch-size %d is smaller than the %d partitions; local SGD (--local-steps %d) needs "
                                + "at least one sample per partition (or give --partition-batch)",
                        phase.batchSize(), partitions, plan.localSteps()));
            }
        }
        RoundListeners roundListeners = new RoundListeners(listeners, System.nanoTime());
        long records = config.tol() > 0 ? blocks.map(b -> (long) b.count()).reduce(Long::sum) : 0;
        TrainingState state = from;
        try {
            for (int phaseIndex = from.phase(); phaseIndex < config.phases().size() && !state.converged();
                 phaseIndex++) {
                state = runPhase(blocks, phaseIndex, state, sizes, roundListeners, records);
            }
        } finally {
            engine.finish();
        }
        if (state.converged()) {
            LOG.info("phase {}/{}: {} at iteration {} of the phase; the remaining iterations{} are skipped",
                    state.phase() + 1, config.phases().size(), state.convergence().describe(config.tol()),
                    state.phaseIteration(), state.phase() + 1 < config.phases().size() ? " and phases" : "");
        }
        roundListeners.finished(state);
        return state;
    }

    /**
     * Where the run goes on after the phase {@code cursor} ended: the next phase's start (zero velocity), or, when
     * the convergence check stopped training, the cursor's own state, which ends the run.
     */
    static TrainingState afterPhase(PhaseCursor cursor, LayerSizes sizes) {
        if (cursor.converged()) {
            return cursor.snapshot();
        }
        TrainingState end = cursor.state();
        return new TrainingState(end.phase() + 1, 0, cursor.globalStep(), end.network(),
                new double[sizes.parameterCount()]);
    }

    private TrainingState runPhase(JavaRDD<ImageBlock> blocks, int phaseIndex, TrainingState state, LayerSizes sizes,
                                   RoundListeners roundListeners, long records) {
        int partitions = blocks.getNumPartitions();
        PhaseConfig phase = config.phases().get(phaseIndex);
        PhaseRounds rounds = new PhaseRounds(config, sampler, phaseIndex, partitions, sizes, records);
        PhasePlan plan = rounds.plan();
        PhaseCursor cursor = PhaseCursor.at(rounds, state);
        LOG.info("phase {}/{}: {} iterations, batch {}, lr {}, lambda {}, momentum {}{}, local steps {}, "
                        + "schedule {}{}{}", phaseIndex + 1, config.phases().size(), plan.iterations(),
                plan.globalBatch(), phase.learningRate(), phase.lambda(), phase.momentum(),
                phase.nesterov() ? " (Nesterov)" : "", plan.localSteps(), phase.schedule().name().toLowerCase(),
                phase.labelSmoothing() > 0 ? ", label smoothing " + phase.labelSmoothing() : "",
                cursor.done() > 0 ? ", resuming at iteration " + cursor.done() : "");
        if (rounds.epochIterations() > 0) {
            LOG.info("phase {}/{}: stops early when an epoch's ({} iterations) mean loss improves on the previous "
                    + "epoch's by a relative amount below tol {}", phaseIndex + 1, config.phases().size(),
                    rounds.epochIterations(), config.tol());
        }
        LOG.info("phase {}/{} on {}, engine: {}", phaseIndex + 1, config.phases().size(),
                plan.describe(partitions), engine.name());
        return afterPhase(engine.run(blocks, rounds, cursor, roundListeners), sizes);
    }

    /**
     * The summed gradient (no L2 term) and summed cross-entropy of global step {@code step}'s mini-batch, computed
     * through Spark exactly as a synchronous training round does; the last element of the returned array is the
     * loss. For tests and benchmarks.
     */
    public double[] batchGradient(JavaRDD<ImageBlock> blocks, Network net, long step, int batchSize) {
        PhaseConfig phase = PhaseConfig.plain(1, batchSize, 1e-3, 0); // the rate does not enter the gradient
        TrainingConfig probe = new TrainingConfig(config.hidden(), config.seed(), config.scaling(),
                config.partitions(), 1, List.of(phase), ScaleOut.SPLIT);
        PhaseRounds rounds = new PhaseRounds(probe, sampler, 0, blocks.getNumPartitions(), net.sizes(), 0);
        PhaseRounds.Round round = rounds.round(0, step);
        JobPerRoundEngine.Combined c = new JobPerRoundEngine(sc).runRound(blocks, rounds, round,
                net.parameters().clone());
        double[] out = Arrays.copyOf(c.sum(), c.sum().length + 1);
        out[out.length - 1] = c.lossSum();
        return out;
    }
}
