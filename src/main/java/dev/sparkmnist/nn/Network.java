package dev.sparkmnist.nn;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The model: a 784-H-10 tanh/softmax network held as one flat parameter vector (W1, b1, W2, b2 back to back, see
 * {@link LayerSizes}). Flat storage lets the optimiser, the gradient sums and the Spark broadcast treat all
 * parameters as one array.
 */
public record Network(LayerSizes sizes, double[] parameters) implements Serializable {

    public Network {
        if (parameters.length != sizes.parameterCount()) {
            throw new IllegalArgumentException("network " + sizes + " needs " + sizes.parameterCount()
                    + " parameters, got " + parameters.length);
        }
    }

    /**
     * The notebook's initialisation: every weight drawn from a standard normal and divided by sqrt(fan-in);
     * biases zero. Deterministic in {@code seed}.
     */
    public static Network initialise(LayerSizes sizes, long seed) {
        double[] p = new double[sizes.parameterCount()];
        SplittableRandom random = new SplittableRandom(seed);
        double s1 = 1.0 / Math.sqrt(sizes.inputs());
        for (int i = sizes.w1Offset(); i < sizes.b1Offset(); i++) {
            p[i] = gaussian(random) * s1;
        }
        double s2 = 1.0 / Math.sqrt(sizes.hidden());
        for (int i = sizes.w2Offset(); i < sizes.b2Offset(); i++) {
            p[i] = gaussian(random) * s2;
        }
        return new Network(sizes, p);
    }

    /** A deep copy, safe to update while this one is still in use. */
    public Network copy() {
        return new Network(sizes, parameters.clone());
    }

    /** lambda/2 * (|W1|^2 + |W2|^2): the L2 penalty of the notebook (biases are not regularised). */
    public double l2Penalty(double lambda) {
        return lambda / 2 * (sumSquares(sizes.w1Offset(), sizes.b1Offset())
                + sumSquares(sizes.w2Offset(), sizes.b2Offset()));
    }

    /** True when every parameter is a finite number. */
    public boolean isFinite() {
        for (double v : parameters) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** A slice of the parameter vector (e.g. W1) as its own array. */
    public double[] block(int from, int to) {
        return Arrays.copyOfRange(parameters, from, to);
    }

    private double sumSquares(int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += parameters[i] * parameters[i];
        }
        return s;
    }

    /** Box-Muller standard normal; deterministic given the generator's state. */
    private static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble();
        while (u1 <= Double.MIN_NORMAL) {
            u1 = random.nextDouble();
        }
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
