package dev.sparkmnist.collective;

import java.io.Serializable;

import dev.sparkmnist.train.TrainingState;

/**
 * What task 0 tells the driver after a round: the step counts, the round's loss and samples, and at the rounds the
 * driver asked for ({@link SnapshotPolicy}) a copy of the whole state, which the driver's listeners (checkpoints,
 * accuracy probes) read and from which a restarted stage continues.
 *
 * @param snapshot the state after the round, or null when this round carries none
 */
record RoundReport(int phase, long done, long globalStep, int steps, double batchLoss, long samples, double rate,
                   TrainingState snapshot) implements Serializable {
}
