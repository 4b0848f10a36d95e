package dev.sparkmnist.train;

import java.io.Serializable;

import dev.sparkmnist.nn.Network;

/**
 * Where a run is: the phase, the iterations done within it, the global step count (which keys the batch draws),
 * the weights, the optimiser's velocity, under block momentum ({@link Averaging#BMUF}) the driver's block
 * momentum buffer (empty otherwise), and the phase's {@link Convergence} check ({@code --tol}). Enough to continue
 * a run exactly.
 */
public record TrainingState(int phase, long phaseIteration, long globalStep, Network network, double[] velocity,
                            double[] blockMomentum, Convergence convergence) implements Serializable {

    public TrainingState {
        convergence = convergence == null ? Convergence.START : convergence;
    }

    /** A state at the start of its phase's convergence check. */
    public TrainingState(int phase, long phaseIteration, long globalStep, Network network, double[] velocity,
                         double[] blockMomentum) {
        this(phase, phaseIteration, globalStep, network, velocity, blockMomentum, Convergence.START);
    }

    /** A state without a block momentum buffer. */
    public TrainingState(int phase, long phaseIteration, long globalStep, Network network, double[] velocity) {
        this(phase, phaseIteration, globalStep, network, velocity, new double[0]);
    }

    /** The start of a run from {@code network}: phase 0, nothing done, zero velocity. */
    public static TrainingState start(Network network) {
        return new TrainingState(0, 0, 0, network, new double[network.parameters().length]);
    }

    /** True when the convergence check ({@code --tol}) stopped training at this state. */
    public boolean converged() {
        return convergence.converged();
    }
}
