package dev.sparkmnist.nn;

/**
 * The training gradient in single precision: the same forward pass and backpropagation as {@link ForwardPass} and
 * {@link Backprop}, on float weights with BLAS {@code sgemm}, which runs about twice as fast as {@code dgemm} (half
 * the memory traffic, twice the SIMD lanes). Local SGD keeps its working copy of the model in float for a whole
 * Spark task, so a step converts nothing; synchronous SGD, evaluation and the gradient check keep the double path.
 * Holds its buffers for the largest batch and reuses them, so a training step allocates nothing.
 */
public final class FloatKernel {
    private final LayerSizes sizes;
    private final int capacity;
    /** Batch inputs, filled by the caller: column j is sample j. */
    public final float[] x;
    /** Batch labels, filled by the caller. */
    public final int[] y;
    private final float[] hidden;
    private final float[] output;
    private final float[] hiddenDelta;

    public FloatKernel(LayerSizes sizes, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.sizes = sizes;
        this.capacity = capacity;
        this.x = new float[sizes.inputs() * capacity];
        this.y = new int[capacity];
        this.hidden = new float[sizes.hidden() * capacity];
        this.output = new float[sizes.outputs() * capacity];
        this.hiddenDelta = new float[sizes.hidden() * capacity];
    }

    /** A kernel that fits {@code sizes} and {@code n} samples: this one if it does, else a new one. */
    public static FloatKernel fitting(FloatKernel current, LayerSizes sizes, int n) {
        return current != null && current.sizes.equals(sizes) && current.capacity >= n
                ? current : new FloatKernel(sizes, n);
    }

    /**
     * tanh from one {@code exp} (a JIT intrinsic, unlike {@code Math.tanh}): 1 - 2 / (e^{2z} + 1), exact to float
     * rounding, and -1 or 1 where e^{2z} under- or overflows.
     */
    static float tanh(float z) {
        return 1f - 2f / ((float) Math.exp(2 * z) + 1f);
    }

    /**
     * Sets {@code grad} to the batch's summed gradient (no L2 term, as {@link Backprop}) at {@code params} (laid out
     * as {@link Network}'s parameters) for the first {@code n} columns of {@link #x}, and returns the summed
     * cross-entropy.
     */
    public double gradient(float[] params, int n, float[] grad) {
        return gradient(params, n, grad, 0f);
    }

    /**
     * As {@link #gradient(float[], int, float[])} against targets smoothed by {@code smoothing} ({@link Backprop});
     * returns the summed cross-entropy to those targets.
     */
    public double gradient(float[] params, int n, float[] grad, float smoothing) {
        LayerSizes s = sizes;
        int in = s.inputs();
        int h = s.hidden();
        int out = s.outputs();
        // Forward: A1 = tanh(W1^T X + b1), P = softmax(W2^T A1 + b2).
        Blas.get().sgemm("T", "N", h, n, in, 1f, params, s.w1Offset(), in, x, 0, in, 0f, hidden, 0, h);
        int b1 = s.b1Offset();
        for (int j = 0; j < n; j++) {
            int col = j * h;
            for (int k = 0; k < h; k++) {
                hidden[col + k] = tanh(hidden[col + k] + params[b1 + k]);
            }
        }
        Blas.get().sgemm("T", "N", out, n, h, 1f, params, s.w2Offset(), h, hidden, 0, h, 0f, output, 0, out);
        int b2 = s.b2Offset();
        double loss = 0;
        for (int j = 0; j < n; j++) {
            int col = j * out;
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < out; k++) {
                float z = output[col + k] + params[b2 + k];
                output[col + k] = z;
                max = Math.max(max, z);
            }
            float labelLogit = output[col + y[j]] - max;
            float sum = 0;
            float logitSum = 0;
            for (int k = 0; k < out; k++) {
                float shifted = output[col + k] - max;
                logitSum += shifted;
                float e = (float) Math.exp(shifted);
                output[col + k] = e;
                sum += e;
            }
            float inv = 1f / sum;
            if (smoothing == 0f) {
                for (int k = 0; k < out; k++) {
                    output[col + k] *= inv;
                }
                output[col + y[j]] -= 1f;   // delta3 = P - onehot(y)
                loss += Math.log(sum) - labelLogit;
            } else {
                float spread = smoothing / out;
                for (int k = 0; k < out; k++) {
                    output[col + k] = output[col + k] * inv - spread;
                }
                output[col + y[j]] -= 1f - smoothing;   // delta3 = P - target
                loss += Math.log(sum) - (1 - smoothing) * labelLogit - spread * logitSum;
            }
        }
        // Backward: dW2 = A1 delta3^T, db2 = sum delta3, delta2 = (W2 delta3) .* (1 - A1^2), dW1 = X delta2^T.
        Blas.get().sgemm("N", "T", h, out, n, 1f, hidden, 0, h, output, 0, out, 0f, grad, s.w2Offset(), h);
        Blas.get().sgemm("N", "N", h, n, out, 1f, params, s.w2Offset(), h, output, 0, out, 0f, hiddenDelta, 0, h);
        java.util.Arrays.fill(grad, b1, s.w2Offset(), 0f);
        java.util.Arrays.fill(grad, b2, s.parameterCount(), 0f);
        for (int j = 0; j < n; j++) {
            int col = j * out;
            for (int k = 0; k < out; k++) {
                grad[b2 + k] += output[col + k];
            }
            col = j * h;
            for (int k = 0; k < h; k++) {
                float a = hidden[col + k];
                float d = hiddenDelta[col + k] * (1 - a * a);
                hiddenDelta[col + k] = d;
                grad[b1 + k] += d;
            }
        }
        Blas.get().sgemm("N", "T", in, h, n, 1f, x, 0, in, hiddenDelta, 0, h, 0f, grad, s.w1Offset(), in);
        return loss;
    }
}
