package dev.sparkmnist.train;

import java.io.Serializable;

import dev.sparkmnist.nn.Network;

/**
 * Where a run is: the phase, the iterations done within it, the global step count (which keys the batch draws),
 * the weights, the optimiser's velocity and, under block momentum ({@link Averaging#BMUF}), the driver's block
 * momentum buffer (empty otherwise). Enough to continue a run exactly.
 */
public record TrainingState(int phase, long phaseIteration, long globalStep, Network network, double[] velocity,
                            double[] blockMomentum) implements Serializable {

    /** A state without a block momentum buffer. */
    public TrainingState(int phase, long phaseIteration, long globalStep, Network network, double[] velocity) {
        this(phase, phaseIteration, globalStep, network, velocity, new double[0]);
    }

    /** The start of a run from {@code network}: phase 0, nothing done, zero velocity. */
    public static TrainingState start(Network network) {
        return new TrainingState(0, 0, 0, network, new double[network.parameters().length]);
    }
}
