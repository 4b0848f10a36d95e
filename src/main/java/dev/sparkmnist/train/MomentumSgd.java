package dev.sparkmnist.train;

import dev.sparkmnist.nn.LayerSizes;

/**
 * The update rule: {@code v = momentum * v - lr * (g + lambda * W)}, then {@code W += v} (heavy-ball) or, with
 * Nesterov's look-ahead, {@code W += momentum * v - lr * (g + lambda * W)}, the form PyTorch and Sutskever et al.
 * use. With momentum 0 both are the notebook's {@code W += -epsilon * (dW + reg_lambda * W)} exactly. Biases are
 * not regularised.
 */
public final class MomentumSgd {
    private MomentumSgd() {
    }

    /** Applies one heavy-ball step to {@code params} (and {@code velocity} when momentum is not 0) in place. */
    public static void step(LayerSizes sizes, double[] params, double[] velocity, double[] grad,
                            double lr, double lambda, double momentum) {
        step(sizes, params, velocity, grad, lr, lambda, momentum, false);
    }

    /** Applies one step to {@code params} (and {@code velocity} when momentum is not 0) in place. */
    public static void step(LayerSizes sizes, double[] params, double[] velocity, double[] grad,
                            double lr, double lambda, double momentum, boolean nesterov) {
        for (int b = 0; b < 4; b++) {
            update(params, velocity, grad, lr, b % 2 == 0 ? lambda : 0, momentum, nesterov, bound(sizes, b),
                    bound(sizes, b + 1));
        }
    }

    /**
     * The same step in single precision, for local SGD's float working copy: the gradient is multiplied by
     * {@code gradScale} first (a partition's share of the batch standing for the whole batch).
     */
    public static void step(LayerSizes sizes, float[] params, float[] velocity, float[] grad, float gradScale,
                            double lr, double lambda, double momentum, boolean nesterov) {
        stepRange(sizes, params, velocity, grad, gradScale, 0, sizes.parameterCount(), lr, lambda, momentum,
                nesterov);
    }

    /**
     * The float step for parameters {@code [from, to)} only: each element gets exactly the arithmetic of
     * {@link #step(LayerSizes, float[], float[], float[], float, double, double, double, boolean)}, so a vector
     * updated range by range equals one updated at once. The gradient is at the parameters' positions: a loop that
     * reads every array at the same index is one the JIT puts on SIMD lanes (with an offset between them it cannot
     * rule out that the arrays overlap, and does not).
     */
    static void stepRange(LayerSizes sizes, float[] params, float[] velocity, float[] grad, float gradScale,
                          int from, int to, double lr, double lambda, double momentum, boolean nesterov) {
        float r = (float) lr;
        float l = (float) lambda;
        float m = (float) momentum;
        for (int b = 0; b < 4; b++) {
            int lo = Math.max(from, bound(sizes, b));
            int hi = Math.min(to, bound(sizes, b + 1));
            if (lo < hi) {
                update(params, velocity, grad, gradScale, r, b % 2 == 0 ? l : 0f, m, nesterov, lo, hi);
            }
        }
    }

    private static void update(float[] p, float[] v, float[] g, float scale, float lr, float lambda, float momentum,
                               boolean nesterov, int from, int to) {
        if (nesterov) {
            for (int i = from; i < to; i++) {
                float step = lr * (scale * g[i] + lambda * p[i]);
                v[i] = momentum * v[i] - step;
                p[i] += momentum * v[i] - step;
            }
        } else {
            for (int i = from; i < to; i++) {
                v[i] = momentum * v[i] - lr * (scale * g[i] + lambda * p[i]);
                p[i] += v[i];
            }
        }
    }

    /** Where range {@code b} starts: W1, b1, W2, b2, then the end (4). The even ranges are regularised. */
    static int bound(LayerSizes sizes, int b) {
        return switch (b) {
            case 0 -> sizes.w1Offset();
            case 1 -> sizes.b1Offset();
            case 2 -> sizes.w2Offset();
            case 3 -> sizes.b2Offset();
            default -> sizes.parameterCount();
        };
    }

    private static void update(double[] p, double[] v, double[] g, double lr, double lambda,
                               double momentum, boolean nesterov, int from, int to) {
        if (momentum == 0) {
            for (int i = from; i < to; i++) {
                p[i] += -lr * (g[i] + lambda * p[i]);
            }
        } else if (nesterov) {
            for (int i = from; i < to; i++) {
                double step = lr * (g[i] + lambda * p[i]);
                v[i] = momentum * v[i] - step;
                p[i] += momentum * v[i] - step;
            }
        } else {
            for (int i = from; i < to; i++) {
                v[i] = momentum * v[i] - lr * (g[i] + lambda * p[i]);
                p[i] += v[i];
            }
        }
    }
}
