package dev.sparkmnist.train;

import java.util.List;

import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.nn.LayerSizes;

/**
 * Trains a one-partition configuration on one block inside the calling thread, without Spark: the arithmetic that
 * {@link DistributedTrainer} runs on one partition ({@link PhaseRounds} round by round, the partition's result
 * added into a double sum as the engines add it), so the weights equal those of {@code train --partitions 1} with
 * the same configuration bit for bit. This is how a committee member trains inside one Spark task on a whole copy
 * of the training set. Listeners are called on this thread after every round, with the weights.
 */
public final class SingleTaskTrainer {
    private SingleTaskTrainer() {
    }

    /**
     * Trains {@code config} (one partition) on {@code block} from {@code from} to the end of its last phase, or
     * until the convergence check ({@code config.tol()}) stops it.
     */
    public static TrainingState train(TrainingConfig config, BatchSampler sampler, ImageBlock block,
                                      TrainingState from, List<TrainingListener> listeners) {
        if (config.partitions() != 1) {
            throw new IllegalArgumentException("a single-task run has one partition, got " + config.partitions());
        }
        if (config.scaling().needsStatistics()) {
            throw new IllegalStateException("standard scaling must be learnt from the data before training");
        }
        LayerSizes sizes = from.network().sizes();
        RoundListeners roundListeners = new RoundListeners(listeners, System.nanoTime());
        TrainingState state = from;
        for (int phaseIndex = from.phase(); phaseIndex < config.phases().size() && !state.converged(); phaseIndex++) {
            PhaseRounds rounds = new PhaseRounds(config, sampler, phaseIndex, 1, sizes, block.count());
            PhaseCursor cursor = PhaseCursor.at(rounds, state);
            while (cursor.done() < rounds.plan().iterations() && !cursor.converged()) {
                PhaseRounds.Round round = rounds.round(cursor.done(), cursor.globalStep());
                double[] start = rounds.start(cursor);
                PartitionResult result = rounds.compute(round, 0, block, rounds.ship(cursor, start));
                double[] sum = PartitionResult.sumInOrder(List.of(result), rounds.plan().floatGradients());
                double loss = rounds.apply(cursor, round, sum, start, result.lossSum(), result.samples());
                roundListeners.afterRound(cursor.state(), roundListeners.stats(phaseIndex, round.steps(), loss,
                        result.samples(), round.firstRate()));
            }
            state = DistributedTrainer.afterPhase(cursor, sizes);
        }
        roundListeners.finished(state);
        return state;
    }
}
