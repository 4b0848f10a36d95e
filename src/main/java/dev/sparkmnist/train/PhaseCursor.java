package dev.sparkmnist.train;

import dev.sparkmnist.nn.Network;

/**
 * Where a phase is while it runs, mutable and updated in place by {@link PhaseRounds#apply}: the weights, velocity,
 * block-momentum buffer, steps done in the phase and the global step. {@link #state} gives the immutable-looking
 * {@link TrainingState} listeners and checkpoints see.
 */
public final class PhaseCursor {
    private final int phase;
    private final Network network;
    private final double[] velocity;
    private final double[] blockMomentum;
    private long done;
    private long globalStep;

    private PhaseCursor(int phase, Network network, double[] velocity, double[] blockMomentum, long done,
                        long globalStep) {
        this.phase = phase;
        this.network = network;
        this.velocity = velocity;
        this.blockMomentum = blockMomentum;
        this.done = done;
        this.globalStep = globalStep;
    }

    /**
     * The cursor at which phase {@code rounds.phaseIndex()} starts or resumes from {@code from}: a state inside
     * this phase resumes with its velocity (and block momentum); a state of an earlier phase starts it afresh.
     */
    public static PhaseCursor at(PhaseRounds rounds, TrainingState from) {
        int n = rounds.sizes().parameterCount();
        boolean resuming = from.phase() == rounds.phaseIndex();
        boolean bmuf = rounds.plan().averaging() == Averaging.BMUF;
        double[] bm = !bmuf ? new double[0]
                : resuming && from.blockMomentum().length == n ? from.blockMomentum().clone() : new double[n];
        return new PhaseCursor(rounds.phaseIndex(), from.network().copy(),
                resuming ? from.velocity().clone() : new double[n], bm, resuming ? from.phaseIteration() : 0,
                from.globalStep());
    }

    public Network network() {
        return network;
    }

    public double[] velocity() {
        return velocity;
    }

    public double[] blockMomentum() {
        return blockMomentum;
    }

    /** Steps done in this phase. */
    public long done() {
        return done;
    }

    public long globalStep() {
        return globalStep;
    }

    void advance(long steps) {
        done += steps;
        globalStep += steps;
    }

    /** The live state (shares the arrays): copy what must outlive the next round. */
    public TrainingState state() {
        return new TrainingState(phase, done, globalStep, network, velocity, blockMomentum);
    }

    /** A copy that later rounds do not change. */
    public TrainingState snapshot() {
        return new TrainingState(phase, done, globalStep, network.copy(), velocity.clone(), blockMomentum.clone());
    }
}
