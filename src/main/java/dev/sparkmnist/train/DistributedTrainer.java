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

    /** Trains from {@code from} to the end of the last phase and returns the final state. */
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
        TrainingState state = from;
        try {
            for (int phaseIndex = from.phase(); phaseIndex < config.phases().size(); phaseIndex++) {
                state = runPhase(blocks, phaseIndex, state, sizes, roundListeners);
            }
        } finally {
            engine.finish();
        }
        roundListeners.finished(state);
        return state;
    }

    private TrainingState runPhase(JavaRDD<ImageBlock> blocks, int phaseIndex, TrainingState state, LayerSizes sizes,
                                   RoundListeners roundListeners) {
        int partitions = blocks.getNumPartitions();
        PhaseConfig phase = config.phases().get(phaseIndex);
        PhaseRounds rounds = new PhaseRounds(config, sampler, phaseIndex, partitions, sizes);
        PhasePlan plan = rounds.plan();
        PhaseCursor cursor = PhaseCursor.at(rounds, state);
        LOG.info("phase {}/{}: {} iterations, batch {}, lr {}, lambda {}, momentum {}{}, local steps {}, "
                        + "schedule {}{}{}", phaseIndex + 1, config.phases().size(), plan.iterations(),
                plan.globalBatch(), phase.learningRate(), phase.lambda(), phase.momentum(),
                phase.nesterov() ? " (Nesterov)" : "", plan.localSteps(), phase.schedule().name().toLowerCase(),
                phase.labelSmoothing() > 0 ? ", label smoothing " + phase.labelSmoothing() : "",
                cursor.done() > 0 ? ", resuming at iteration " + cursor.done() : "");
        LOG.info("phase {}/{} on {}, engine: {}", phaseIndex + 1, config.phases().size(),
                plan.describe(partitions), engine.name());
        cursor = engine.run(blocks, rounds, cursor, roundListeners);
        return new TrainingState(phaseIndex + 1, 0, cursor.globalStep(), cursor.state().network(),
                new double[sizes.parameterCount()]);
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
        PhaseRounds rounds = new PhaseRounds(probe, sampler, 0, blocks.getNumPartitions(), net.sizes());
        PhaseRounds.Round round = rounds.round(0, step);
        JobPerRoundEngine.Combined c = new JobPerRoundEngine(sc).runRound(blocks, rounds, round,
                net.parameters().clone());
        double[] out = Arrays.copyOf(c.sum(), c.sum().length + 1);
        out[out.length - 1] = c.lossSum();
        return out;
    }
}
