package dev.sparkmnist.nn;

/**
 * Backpropagation for the tanh/softmax network, exactly as the notebook's training loop, for a whole batch:
 * <pre>
 *   delta3 = probs - onehot(y)                  dW2 = a1 delta3^T        db2 = sum(delta3)
 *   delta2 = (W2 delta3) * (1 - a1^2)           dW1 = x delta2^T         db1 = sum(delta2)
 * </pre>
 * Gradients are summed over the batch (not averaged) and carry no L2 term; the optimiser adds
 * {@code lambda * W} once per step, as the notebook does. With label smoothing {@code s} the target is
 * {@code (1 - s) onehot(y) + s / classes} instead of the one-hot vector (Szegedy et al.), which keeps the logits from
 * growing without bound and measured a higher test accuracy sooner (docs/benchmark.md).
 */
public final class Backprop {
    private Backprop() {
    }

    /**
     * Adds the batch's summed gradient to {@code grad} (laid out like the parameters) and returns the summed
     * cross-entropy. The batch is {@code n} columns of {@code ws.x} with labels {@code ws.y}.
     */
    public static double accumulate(Network net, Workspace ws, int n, double[] grad) {
        return accumulate(net, ws, n, grad, 0);
    }

    /**
     * As {@link #accumulate(Network, Workspace, int, double[])} against targets smoothed by {@code smoothing};
     * returns the summed cross-entropy to those targets.
     */
    public static double accumulate(Network net, Workspace ws, int n, double[] grad, double smoothing) {
        double loss = ForwardPass.run(net, ws, n, true);
        LayerSizes s = net.sizes();
        double[] p = net.parameters();
        int in = s.inputs();
        int h = s.hidden();
        int out = s.outputs();
        double[] delta3 = ws.output;
        if (smoothing == 0) {
            for (int j = 0; j < n; j++) {
                delta3[j * out + ws.y[j]] -= 1.0;
            }
        } else {
            double spread = smoothing / out;
            double uniformLoss = 0;
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < out; k++) {
                    uniformLoss -= Math.log(Math.max(delta3[j * out + k], Double.MIN_NORMAL));
                    delta3[j * out + k] -= spread;
                }
                delta3[j * out + ws.y[j]] -= 1.0 - smoothing;
            }
            loss = (1 - smoothing) * loss + spread * uniformLoss;
        }
        // dW2 += A1 delta3^T  (h x out), db2 += row sums of delta3
        Blas.get().dgemm("N", "T", h, out, n, 1.0, ws.hidden, 0, h, delta3, 0, out, 1.0, grad, s.w2Offset(), h);
        int b2 = s.b2Offset();
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < out; k++) {
                grad[b2 + k] += delta3[j * out + k];
            }
        }
        // delta2 = (W2 delta3) .* (1 - A1^2)  (h x n)
        Blas.get().dgemm("N", "N", h, n, out, 1.0, p, s.w2Offset(), h, delta3, 0, out, 0.0, ws.hiddenDelta, 0, h);
        int b1 = s.b1Offset();
        for (int j = 0; j < n; j++) {
            int col = j * h;
            for (int k = 0; k < h; k++) {
                double a = ws.hidden[col + k];
                double d = ws.hiddenDelta[col + k] * (1 - a * a);
                ws.hiddenDelta[col + k] = d;
                grad[b1 + k] += d;
            }
        }
        // dW1 += X delta2^T  (in x h)
        Blas.get().dgemm("N", "T", in, h, n, 1.0, ws.x, 0, in, ws.hiddenDelta, 0, h, 1.0, grad, s.w1Offset(), in);
        return loss;
    }
}
