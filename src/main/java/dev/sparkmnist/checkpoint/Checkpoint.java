package dev.sparkmnist.checkpoint;

import dev.sparkmnist.nn.Network;
import dev.sparkmnist.train.Convergence;
import dev.sparkmnist.train.TrainingState;

/**
 * One saved point of a run: where it was ({@link TrainingState}) and which configuration produced it (its
 * {@link ConfigFingerprint}). The batch sequence needs nothing more: draws are keyed by (seed, global step,
 * partition), and seed and partitioning are part of the fingerprint. {@code blockMomentum} is the driver's BMUF
 * buffer, empty when the run does not use block momentum; {@code convergence} the phase's convergence check
 * ({@code --tol}), {@link Convergence#START} in a checkpoint written before it existed.
 */
public record Checkpoint(String fingerprint, int phase, long phaseIteration, long globalStep, Network network,
                         double[] velocity, double[] blockMomentum, Convergence convergence) {

    public Checkpoint {
        convergence = convergence == null ? Convergence.START : convergence;
    }

    /** A checkpoint of {@code state}, copying the arrays so that training may go on updating them. */
    public static Checkpoint of(String fingerprint, TrainingState state) {
        return new Checkpoint(fingerprint, state.phase(), state.phaseIteration(), state.globalStep(),
                state.network().copy(), state.velocity().clone(), state.blockMomentum().clone(),
                state.convergence());
    }

    /** The training state to continue from. */
    public TrainingState toState() {
        return new TrainingState(phase, phaseIteration, globalStep, network.copy(), velocity.clone(),
                blockMomentum.clone(), convergence);
    }
}
