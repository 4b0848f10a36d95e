package dev.sparkmnist.train;

import dev.sparkmnist.nn.InputMajorLayout;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;

/**
 * Where a phase is while it runs, mutable and updated in place by {@link PhaseRounds#apply}: the weights, velocity,
 * block-momentum buffer, steps done in the phase and the global step. {@link #state} gives the
 * {@link TrainingState} listeners and checkpoints see, always in {@link LayerSizes}' order and in double.
 *
 * <p>In a phase of float gradients ({@link PhasePlan#floatGradients()}) the cursor keeps weights and velocity in
 * float, with W1 input-major ({@link InputMajorLayout}): the precision and order the float kernel reads and its
 * sharded update ({@link ShardedUpdate}) writes, as local SGD's working copy is float. A state taken from such a
 * cursor holds those floats exactly, so a phase resumed from it starts from the same values to the bit. Other
 * phases keep double weights and velocity in {@link LayerSizes}' order.
 */
public final class PhaseCursor {
    private final int phase;
    private final LayerSizes sizes;
    /** The double weights; null in a phase of float gradients. */
    private final Network network;
    /** The double velocity; null in a phase of float gradients. */
    private final double[] velocity;
    private final double[] blockMomentum;
    /** In a phase of float gradients the weights and velocity (W1 input-major); else null. */
    private final float[] floatWeights;
    private final float[] floatVelocity;
    private long done;
    private long globalStep;
    /** The phase's convergence check ({@code --tol}): replaced by {@link PhaseRounds} after every round. */
    Convergence convergence;

    private PhaseCursor(int phase, LayerSizes sizes, Network network, double[] velocity, double[] blockMomentum,
                        float[] floatWeights, float[] floatVelocity, long done, long globalStep,
                        Convergence convergence) {
        this.phase = phase;
        this.sizes = sizes;
        this.network = network;
        this.velocity = velocity;
        this.blockMomentum = blockMomentum;
        this.floatWeights = floatWeights;
        this.floatVelocity = floatVelocity;
        this.done = done;
        this.globalStep = globalStep;
        this.convergence = convergence;
    }

    /**
     * The cursor at which phase {@code rounds.phaseIndex()} starts or resumes from {@code from}: a state inside
     * this phase resumes with its velocity (and block momentum) and convergence check; a state of an earlier phase
     * starts it afresh. A phase of float gradients rounds the state to float here, once.
     */
    public static PhaseCursor at(PhaseRounds rounds, TrainingState from) {
        int n = rounds.sizes().parameterCount();
        boolean resuming = from.phase() == rounds.phaseIndex();
        boolean bmuf = rounds.plan().averaging() == Averaging.BMUF;
        double[] bm = !bmuf ? new double[0]
                : resuming && from.blockMomentum().length == n ? from.blockMomentum().clone() : new double[n];
        double[] velocity = resuming ? from.velocity().clone() : new double[n];
        LayerSizes sizes = from.network().sizes();
        long done = resuming ? from.phaseIteration() : 0;
        Convergence convergence = resuming ? from.convergence() : Convergence.START;
        if (!rounds.plan().floatGradients()) {
            return new PhaseCursor(rounds.phaseIndex(), sizes, from.network().copy(), velocity, bm, null, null, done,
                    from.globalStep(), convergence);
        }
        return new PhaseCursor(rounds.phaseIndex(), sizes, null, null, bm, inputMajorFloats(sizes,
                from.network().parameters()), inputMajorFloats(sizes, velocity), done, from.globalStep(),
                convergence);
    }

    /** Whether weights and velocity are held in float, W1 input-major (a phase of float gradients). */
    boolean inFloat() {
        return floatWeights != null;
    }

    /** The double weights (not in a phase of float gradients). */
    Network network() {
        return requireDouble(network);
    }

    /**
     * The double velocity (not in a phase of float gradients: {@link #floatVelocity()} there), for an engine that
     * moves it between tasks.
     */
    public double[] velocity() {
        return requireDouble(velocity);
    }

    /**
     * In a phase of float gradients, the weights as held (W1 input-major), which the kernel reads in place; an
     * engine that moves slices between tasks sends them (after a sharded update ({@link PhaseRounds#updateSlice})
     * only the task's own slice is current until the tasks have gathered). Null in other phases.
     */
    public float[] floatWeights() {
        return floatWeights;
    }

    /** In a phase of float gradients, the velocity as held (see {@link #floatWeights()}); null in other phases. */
    public float[] floatVelocity() {
        return floatVelocity;
    }

    private <T> T requireDouble(T value) {
        if (value == null) {
            throw new IllegalStateException("a phase of float gradients holds its weights in float");
        }
        return value;
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
        if (!inFloat()) {
            return new TrainingState(phase, done, globalStep, network, velocity, blockMomentum, convergence);
        }
        return new TrainingState(phase, done, globalStep, new Network(sizes, layerOrderDoubles(floatWeights)),
                layerOrderDoubles(floatVelocity), blockMomentum.clone(), convergence);
    }

    /** A copy, in {@link LayerSizes}' order, that later rounds do not change. */
    public TrainingState snapshot() {
        if (inFloat()) {
            return state();
        }
        return new TrainingState(phase, done, globalStep, network.copy(), velocity.clone(), blockMomentum.clone(),
                convergence);
    }

    /** {@code values} (in {@link LayerSizes}' order) rounded to float, with W1 input-major. */
    private static float[] inputMajorFloats(LayerSizes sizes, double[] values) {
        double[] reordered = new double[values.length];
        InputMajorLayout.toInputMajor(sizes, values, reordered);
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) reordered[i];
        }
        return out;
    }

    /** {@code values} (W1 input-major) widened to double, in {@link LayerSizes}' order. */
    private double[] layerOrderDoubles(float[] values) {
        double[] widened = new double[values.length];
        for (int i = 0; i < widened.length; i++) {
            widened[i] = values[i];
        }
        double[] out = new double[values.length];
        InputMajorLayout.fromInputMajor(sizes, widened, out);
        return out;
    }
}
