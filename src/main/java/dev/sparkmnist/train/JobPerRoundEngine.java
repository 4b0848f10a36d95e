package dev.sparkmnist.train;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import dev.sparkmnist.data.ImageBlock;

/**
 * One Spark job per round: the driver ships the weights ({@link ShippedModel}), every partition computes its part
 * ({@link PartitionStepTask}), and the driver adds the results in partition order, never in the order tasks happen
 * to finish (Spark's {@code treeAggregate} merges in completion order, which changes the last bits of a sum from
 * run to run), then updates the model. Costs tens of milliseconds per round on the driver, so it suits rounds of
 * many local steps; the collective engine keeps the driver out of the step loop.
 */
public final class JobPerRoundEngine implements PhaseEngine {
    private final JavaSparkContext sc;

    public JobPerRoundEngine(JavaSparkContext sc) {
        this.sc = sc;
    }

    @Override
    public String name() {
        return "job per round";
    }

    @Override
    public PhaseCursor run(JavaRDD<ImageBlock> blocks, PhaseRounds rounds, PhaseCursor cursor,
                           RoundListeners listeners) {
        while (cursor.done() < rounds.plan().iterations() && !cursor.converged()) {
            PhaseRounds.Round round = rounds.round(cursor.done(), cursor.globalStep());
            double[] start = rounds.start(cursor);
            Combined c = runRound(blocks, rounds, round, rounds.ship(cursor, start));
            double loss = rounds.apply(cursor, round, c.sum(), start, c.lossSum(), c.samples());
            listeners.afterRound(cursor.state(), listeners.stats(rounds.phaseIndex(), round.steps(), loss,
                    c.samples(), round.firstRate()));
        }
        return cursor;
    }

    /** One Spark job: every partition's result, added in partition order. */
    Combined runRound(JavaRDD<ImageBlock> blocks, PhaseRounds rounds, PhaseRounds.Round round, Object shipped) {
        ShippedModel<?> model = shipped instanceof float[] f ? ShippedModel.of(sc, f)
                : ShippedModel.of(sc, (double[]) shipped);
        try {
            List<PartitionResult> results = new ArrayList<>(blocks
                    .mapPartitionsWithIndex(new PartitionStepTask(rounds.sizes(), model, round.plan()), true)
                    .collect());
            results.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            double[] sum = PartitionResult.sumInOrder(results, rounds.plan().floatGradients());
            double loss = 0;
            long samples = 0;
            for (PartitionResult r : results) {
                loss += r.lossSum();
                samples += r.samples();
            }
            return new Combined(sum, loss, samples);
        } finally {
            model.release();
        }
    }

    /** The partitions' results added in partition order. */
    record Combined(double[] sum, double lossSum, long samples) {
    }
}
