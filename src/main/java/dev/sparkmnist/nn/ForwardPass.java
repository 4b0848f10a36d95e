package dev.sparkmnist.nn;

/**
 * The forward pass: hidden = tanh(W1^T x + b1), probabilities = softmax(W2^T hidden + b2), for a whole batch at
 * once with two BLAS {@code dgemm} calls. Used for prediction and as the first half of {@link Backprop}.
 */
public final class ForwardPass {
    private ForwardPass() {
    }

    /**
     * Runs the batch in {@code ws.x} (n columns) through {@code net}; leaves activations and probabilities in the
     * workspace and returns the summed cross-entropy of the labels in {@code ws.y} when {@code withLoss}.
     */
    public static double run(Network net, Workspace ws, int n, boolean withLoss) {
        LayerSizes s = net.sizes();
        double[] p = net.parameters();
        int in = s.inputs();
        int h = s.hidden();
        int out = s.outputs();
        // Z1 = W1^T X  (h x n)
        Blas.get().dgemm("T", "N", h, n, in, 1.0, p, s.w1Offset(), in, ws.x, 0, in, 0.0, ws.hidden, 0, h);
        int b1 = s.b1Offset();
        for (int j = 0; j < n; j++) {
            int col = j * h;
            for (int k = 0; k < h; k++) {
                ws.hidden[col + k] = Math.tanh(ws.hidden[col + k] + p[b1 + k]);
            }
        }
        // Z2 = W2^T A1  (out x n)
        Blas.get().dgemm("T", "N", out, n, h, 1.0, p, s.w2Offset(), h, ws.hidden, 0, h, 0.0, ws.output, 0, out);
        int b2 = s.b2Offset();
        double loss = 0;
        for (int j = 0; j < n; j++) {
            int col = j * out;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < out; k++) {
                double z = ws.output[col + k] + p[b2 + k];
                ws.output[col + k] = z;
                max = Math.max(max, z);
            }
            // -log softmax taken from the logits, so a saturated network gives a large finite loss, not inf.
            double labelLogit = withLoss ? ws.output[col + ws.y[j]] - max : 0;
            double sum = 0;
            for (int k = 0; k < out; k++) {
                double e = Math.exp(ws.output[col + k] - max);
                ws.output[col + k] = e;
                sum += e;
            }
            for (int k = 0; k < out; k++) {
                ws.output[col + k] /= sum;
            }
            if (withLoss) {
                loss += Math.log(sum) - labelLogit;
            }
        }
        return loss;
    }

    /**
     * The index of the largest value, the first of equal ones: how every prediction here breaks ties (and ONNX's
     * ArgMax).
     */
    public static int argmax(double[] values) {
        int best = 0;
        for (int c = 1; c < values.length; c++) {
            if (values[c] > values[best]) {
                best = c;
            }
        }
        return best;
    }

    /** The most probable class of sample {@code j} after {@link #run}. */
    public static int argmax(Workspace ws, int j) {
        int out = ws.sizes.outputs();
        int best = 0;
        for (int k = 1; k < out; k++) {
            if (ws.output[j * out + k] > ws.output[j * out + best]) {
                best = k;
            }
        }
        return best;
    }
}
