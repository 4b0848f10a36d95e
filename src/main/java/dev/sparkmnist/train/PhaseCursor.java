package dev.sparkmnist.train;

import dev.sparkmnist.nn.InputMajorLayout;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;

/**
 * Where a phase is while it runs, mutable and updated in place by {@link PhaseRounds#apply}: the weights, velocity,
 * block-momentum buffer, steps done in the phase and the global step. {@link #state} gives the
 * {@link TrainingState} listeners and checkpoints see, always in {@link LayerSizes}' order.
 *
 * <p>In a phase of float gradients ({@link PhasePlan#floatGradients()}) the cursor keeps weights and velocity with
 * W1 input-major ({@link InputMajorLayout}), the order the float kernel reads and writes: the elementwise update
 * gives the same values in either order, and the weights need no reordering on every step, only when a state is
 * taken.
 */
public final class PhaseCursor {
    private final int phase;
    private final Network network;
    private final double[] velocity;
    private final double[] blockMomentum;
    private final boolean inputMajor;
    /** The weights rounded to float, as the float kernel reads them: kept up to date by {@link ShardedUpdate}. */
    private final float[] floatWeights;
    private long done;
    private long globalStep;
    /** The phase's convergence check ({@code --tol}): replaced by {@link PhaseRounds} after every round. */
    Convergence convergence;

    private PhaseCursor(int phase, Network network, double[] velocity, double[] blockMomentum, boolean inputMajor,
                        long done, long globalStep, Convergence convergence) {
        this.phase = phase;
        this.network = network;
        this.velocity = velocity;
        this.blockMomentum = blockMomentum;
        this.inputMajor = inputMajor;
        this.floatWeights = inputMajor ? toFloat(network.parameters()) : null;
        this.done = done;
        this.globalStep = globalStep;
        this.convergence = convergence;
    }

    /**
     * The cursor at which phase {@code rounds.phaseIndex()} starts or resumes from {@code from}: a state inside
     * this phase resumes with its velocity (and block momentum) and convergence check; a state of an earlier phase
     * starts it afresh.
     */
    public static PhaseCursor at(PhaseRounds rounds, TrainingState from) {
        int n = rounds.sizes().parameterCount();
        boolean resuming = from.phase() == rounds.phaseIndex();
        boolean bmuf = rounds.plan().averaging() == Averaging.BMUF;
        double[] bm = !bmuf ? new double[0]
                : resuming && from.blockMomentum().length == n ? from.blockMomentum().clone() : new double[n];
        double[] velocity = resuming ? from.velocity().clone() : new double[n];
        Network net = from.network().copy();
        boolean inputMajor = rounds.plan().floatGradients();
        if (inputMajor) {
            LayerSizes sizes = net.sizes();
            double[] params = new double[n];
            InputMajorLayout.toInputMajor(sizes, net.parameters(), params);
            net = new Network(sizes, params);
            double[] v = new double[n];
            InputMajorLayout.toInputMajor(sizes, velocity, v);
            velocity = v;
        }
        return new PhaseCursor(rounds.phaseIndex(), net, velocity, bm, inputMajor,
                resuming ? from.phaseIteration() : 0, from.globalStep(),
                resuming ? from.convergence() : Convergence.START);
    }


    /** The weights as held: with W1 input-major in a phase of float gradients (see the class comment). */
    Network network() {
        return network;
    }

    /**
     * The parameters as held (see {@link #network()}), for an engine that moves slices of them between tasks:
     * after a sharded update ({@link PhaseRounds#updateSlice}) only the task's own slice is current.
     */
    public double[] parameters() {
        return network.parameters();
    }

    /** The velocity as held (see {@link #parameters()}). */
    public double[] velocity() {
        return velocity;
    }

    /** In a phase of float gradients, the weights rounded to float as held (see {@link #parameters()}). */
    public float[] floatWeights() {
        return floatWeights;
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

    /** True when the phase's convergence check ({@code --tol}) stopped training: no round is to follow. */
    public boolean converged() {
        return convergence.converged();
    }

    void advance(long steps) {
        done += steps;
        globalStep += steps;
    }

    /**
     * The state in {@link LayerSizes}' order. Shares the cursor's arrays when they are in that order already (copy
     * what must outlive the next round); a copy otherwise.
     */
    public TrainingState state() {
        if (!inputMajor) {
            return new TrainingState(phase, done, globalStep, network, velocity, blockMomentum, convergence);
        }
        LayerSizes sizes = network.sizes();
        double[] params = new double[velocity.length];
        InputMajorLayout.fromInputMajor(sizes, network.parameters(), params);
        double[] v = new double[velocity.length];
        InputMajorLayout.fromInputMajor(sizes, velocity, v);
        return new TrainingState(phase, done, globalStep, new Network(sizes, params), v, blockMomentum.clone(),
                convergence);
    }

    private static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /** A copy, in {@link LayerSizes}' order, that later rounds do not change. */
    public TrainingState snapshot() {
        if (inputMajor) {
            return state();
        }
        return new TrainingState(phase, done, globalStep, network.copy(), velocity.clone(), blockMomentum.clone(),
                convergence);
    }
}
