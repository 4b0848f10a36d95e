package dev.sparkmnist.collective;

import java.io.Serializable;

import dev.sparkmnist.train.TrainingState;

/**
 * What a task of the stage returns: task 0 the state at the phase's end, or the reason training diverged; the
 * others nothing.
 */
record TaskOutcome(int rank, TrainingState end, String diverged) implements Serializable {
}
