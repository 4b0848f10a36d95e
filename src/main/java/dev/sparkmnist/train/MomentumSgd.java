package dev.sparkmnist.train;

import dev.sparkmnist.nn.LayerSizes;

/**
 * The update rule: {@code v = momentum * v - lr * (g + lambda * W)}; {@code W += v}. With momentum 0 this is the
 * notebook's {@code W += -epsilon * (dW + reg_lambda * W)} exactly. Biases are not regularised.
 */
public final class MomentumSgd {
    private MomentumSgd() {
    }

    /** Applies one step to {@code params} (and {@code velocity} when momentum is not 0) in place. */
    public static void step(LayerSizes sizes, double[] params, double[] velocity, double[] grad,
                            double lr, double lambda, double momentum) {
        update(params, velocity, grad, lr, lambda, momentum, sizes.w1Offset(), sizes.b1Offset());
        update(params, velocity, grad, lr, 0, momentum, sizes.b1Offset(), sizes.w2Offset());
        update(params, velocity, grad, lr, lambda, momentum, sizes.w2Offset(), sizes.b2Offset());
        update(params, velocity, grad, lr, 0, momentum, sizes.b2Offset(), sizes.parameterCount());
    }

    /**
     * The same step in single precision, for local SGD's float working copy: the gradient is multiplied by
     * {@code gradScale} first (a partition's share of the batch standing for the whole batch).
     */
    public static void step(LayerSizes sizes, float[] params, float[] velocity, float[] grad, float gradScale,
                            double lr, double lambda, double momentum) {
        update(params, velocity, grad, gradScale, (float) lr, (float) lambda, (float) momentum, sizes.w1Offset(),
                sizes.b1Offset());
        update(params, velocity, grad, gradScale, (float) lr, 0f, (float) momentum, sizes.b1Offset(),
                sizes.w2Offset());
        update(params, velocity, grad, gradScale, (float) lr, (float) lambda, (float) momentum, sizes.w2Offset(),
                sizes.b2Offset());
        update(params, velocity, grad, gradScale, (float) lr, 0f, (float) momentum, sizes.b2Offset(),
                sizes.parameterCount());
    }

    private static void update(float[] p, float[] v, float[] g, float scale, float lr, float lambda, float momentum,
                               int from, int to) {
        for (int i = from; i < to; i++) {
            v[i] = momentum * v[i] - lr * (scale * g[i] + lambda * p[i]);
            p[i] += v[i];
        }
    }

    private static void update(double[] p, double[] v, double[] g, double lr, double lambda, double momentum,
                               int from, int to) {
        if (momentum == 0) {
            for (int i = from; i < to; i++) {
                p[i] += -lr * (g[i] + lambda * p[i]);
            }
        } else {
            for (int i = from; i < to; i++) {
                v[i] = momentum * v[i] - lr * (g[i] + lambda * p[i]);
                p[i] += v[i];
            }
        }
    }
}
