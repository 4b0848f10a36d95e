package dev.sparkmnist.train;

import java.io.Serializable;

import dev.sparkmnist.nn.Network;

/**
 * Where a run is: the phase, the iterations done within it, the global step count (which keys the batch draws),
 * the weights and the optimiser's velocity. Enough to continue a run exactly.
 */
public record TrainingState(int phase, long phaseIteration, long globalStep, Network network, double[] velocity)
        implements Serializable {

    /** The start of a run from {@code network}: phase 0, nothing done, zero velocity. */
    public static TrainingState start(Network network) {
        return new TrainingState(0, 0, 0, network, new double[network.parameters().length]);
    }
}
