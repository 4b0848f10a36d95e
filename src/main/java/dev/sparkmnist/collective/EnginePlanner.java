package dev.sparkmnist.collective;

import java.util.Locale;

import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.train.InvalidConfigException;
import dev.sparkmnist.train.JobPerRoundEngine;
import dev.sparkmnist.train.PhaseEngine;
import dev.sparkmnist.train.PhasePlan;
import dev.sparkmnist.train.TrainingConfig;

/**
 * Picks the engine for a run from the plan's rounds, the model's size and {@link CostModel}: the job-per-round
 * engine costs a Spark job per round, the collective engine one stage start per phase and a cheap exchange per
 * step. With many local steps per round on few partitions the two are close; with one step per round (the plan
 * from 5 partitions on, or the notebook's synchronous SGD) the collective engine is far cheaper. The weights are the
 * same either way, so the choice is only about time. The log states the choice and the estimates behind it.
 */
public final class EnginePlanner {
    private static final Logger LOG = LoggerFactory.getLogger(EnginePlanner.class);

    private EnginePlanner() {
    }

    /** The engine for {@code config} on {@code partitions} partitions, as forced or as the cost model says. */
    public static PhaseEngine choose(JavaSparkContext sc, TrainingConfig config, int partitions, LayerSizes sizes) {
        EngineChoice choice = forced(sc);
        if (sc.getConf().getBoolean("spark.dynamicAllocation.enabled", false)) {
            if (choice == EngineChoice.COLLECTIVE) {
                throw new InvalidConfigException("--engine collective needs a fixed set of executors: Spark runs no "
                        + "barrier stage under dynamic allocation (spark.dynamicAllocation.enabled=true)");
            }
            LOG.info("engine: job per round: dynamic allocation is on, and Spark runs no barrier stage with it");
            return new JobPerRoundEngine(sc);
        }
        int tasks = Math.min(partitions, Slots.free(sc));
        boolean oneJvm = sc.master().startsWith("local") && !sc.master().startsWith("local-cluster");
        CostModel model = oneJvm ? CostModel.IN_ONE_JVM : CostModel.SEPARATE_JVMS;
        double job = 0;
        double collective = 0;
        long rounds = 0;
        for (int i = 0; i < config.phases().size(); i++) {
            PhasePlan plan = config.scaleOut().plan(config.phases().get(i), partitions);
            long phaseRounds = roundsOf(plan);
            rounds += phaseRounds;
            long n = sizes.parameterCount();
            // local SGD: float weights and velocity, summed in double; float gradients: float (an upper bound: a
            // sparse batch's W1 rows travel as SparseRows, about a sixteenth of that on MNIST), and the owners' new
            // float weights gathered (sharded update); the notebook's double gradients: double both ways.
            long contribution = plan.local() ? 2 * n * 4 : plan.floatGradients() ? n * 4 : n * 8;
            long sums = plan.local() ? 2 * n * 8 : plan.floatGradients() ? n * 4 : n * 8;
            long shipped = contribution;
            job += model.jobEngine(phaseRounds, partitions, shipped, contribution);
            collective += model.collectiveEngine(phaseRounds, tasks, partitions, contribution, sums);
        }
        String estimates = String.format(Locale.ROOT, "%d rounds on %d partitions: about %.1f s of Spark jobs on the "
                        + "driver, against %.1f s of stage start and exchange among %d tasks (%s)", rounds, partitions,
                job, collective, tasks, oneJvm ? "one JVM" : "TCP between executors");
        if (choice == EngineChoice.JOB) {
            LOG.info("engine: job per round, as forced ({}={}); {}", EngineChoice.PROPERTY, "job", estimates);
            return new JobPerRoundEngine(sc);
        }
        if (choice == EngineChoice.COLLECTIVE) {
            LOG.info("engine: collective, as forced ({}={}); {}", EngineChoice.PROPERTY, "collective", estimates);
            return new CollectiveEngine(sc);
        }
        if (collective < job) {
            LOG.info("engine: collective, chosen by the cost model: {}", estimates);
            return new CollectiveEngine(sc);
        }
        LOG.info("engine: job per round, chosen by the cost model: {}", estimates);
        return new JobPerRoundEngine(sc);
    }

    /** The choice a local property or the configuration forces, else {@link EngineChoice#AUTO}. */
    static EngineChoice forced(JavaSparkContext sc) {
        String local = sc.getLocalProperty(EngineChoice.PROPERTY);
        String word = local != null ? local : sc.getConf().get(EngineChoice.PROPERTY, "auto");
        return EngineChoice.parse(word, EngineChoice.PROPERTY);
    }

    private static long roundsOf(PhasePlan plan) {
        long rounds = 0;
        for (long done = 0; done < plan.iterations(); done += plan.stepsAt(done)) {
            rounds++;
        }
        return rounds;
    }
}
