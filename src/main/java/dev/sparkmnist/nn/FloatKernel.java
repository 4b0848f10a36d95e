package dev.sparkmnist.nn;

/**
 * The training gradient in single precision: the same forward pass and backpropagation as {@link ForwardPass} and
 * {@link Backprop}, on float weights with BLAS {@code sgemm}, which runs about twice as fast as {@code dgemm} (half
 * the memory traffic, twice the SIMD lanes). Local SGD keeps its working copy of the model in float for a whole
 * Spark task, so a step converts nothing; synchronous SGD, evaluation and the gradient check keep the double path.
 * Holds its buffers for the largest batch and reuses them, so a training step allocates nothing.
 *
 * <p>Training tasks call {@link #gradientInputMajor}: W1 in {@link InputMajorLayout}, where a batch whose inputs
 * are mostly the background value (blank pixels) has its two first-layer products computed from the other inputs
 * only ({@link SparseInputProducts}); other batches, and JVMs without the Vector API, use sgemm.
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
    /** Null without the Vector API or when switched off ({@value #SPARSE_PROPERTY}=false). */
    private final SparseInputProducts sparse;
    private final double maxSparseDensity;
    private boolean lastSparse;
    private SparseRows deferred;

    /** System property that switches the sparse first layer off ({@code false}), for comparisons. */
    public static final String SPARSE_PROPERTY = "sparkmnist.sparseInputs";
    /**
     * Largest share of non-background inputs at which the sparse products beat sgemm (measured on 784-512-10:
     * about 2.3x at MNIST's 19% against OpenBLAS, break-even near 45%; against the Java BLAS near 90%).
     */
    private static final double MAX_SPARSE_DENSITY_NATIVE = 0.4;
    private static final double MAX_SPARSE_DENSITY_JAVA = 0.8;

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
        boolean wanted = !"false".equalsIgnoreCase(System.getProperty(SPARSE_PROPERTY, "true").trim());
        this.sparse = wanted && SparseInputProducts.AVAILABLE
                ? new SparseInputProducts(sizes.inputs(), sizes.hidden(), capacity) : null;
        this.maxSparseDensity = sparse == null ? 0 : Blas.isNative() ? MAX_SPARSE_DENSITY_NATIVE
                : MAX_SPARSE_DENSITY_JAVA;
    }

    /** A kernel that fits {@code sizes} and {@code n} samples: this one if it does, else a new one. */
    public static FloatKernel fitting(FloatKernel current, LayerSizes sizes, int n) {
        return current != null && current.sizes.equals(sizes) && current.capacity >= n
                ? current : new FloatKernel(sizes, n);
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
        lastSparse = false;
        Blas.get().sgemm("T", "N", sizes.hidden(), n, sizes.inputs(), 1f, params, sizes.w1Offset(), sizes.inputs(),
                x, 0, sizes.inputs(), 0f, hidden, 0, sizes.hidden());
        double loss = fromHiddenSums(params, n, grad, smoothing);
        Blas.get().sgemm("N", "T", sizes.inputs(), sizes.hidden(), n, 1f, x, 0, sizes.inputs(), hiddenDelta, 0,
                sizes.hidden(), 0f, grad, sizes.w1Offset(), sizes.inputs());
        return loss;
    }

    /**
     * As {@link #gradient(float[], int, float[], float)} with W1 of {@code params} and {@code grad} in
     * {@link InputMajorLayout}; {@code background} is the input value of a blank pixel, which the sparse products
     * leave out.
     */
    public double gradientInputMajor(float[] params, int n, float[] grad, float smoothing, float background) {
        return gradientInputMajor(params, n, grad, smoothing, background, false, SparseInputProducts.NO_VERSION,
                null);
    }

    /**
     * As {@link #gradientInputMajor(float[], int, float[], float, float)}, but when the batch is sparse W1's rows
     * are not written into {@code grad}: {@link #deferredRows()} keeps what they are made of, for whoever sums them
     * (the collective engine's slice owners). A dense batch writes them as usual and leaves no deferred rows.
     */
    public double gradientInputMajorDeferringW1(float[] params, int n, float[] grad, float smoothing,
                                                float background) {
        return gradientInputMajor(params, n, grad, smoothing, background, true, SparseInputProducts.NO_VERSION,
                null);
    }

    /**
     * As {@link #gradientInputMajorDeferringW1(float[], int, float[], float, float)} at weights the caller names
     * by {@code weightsVersion} (non-negative, e.g. the global step): batches at the same version share the part of
     * the forward pass that depends on the weights alone (the same result to the bit). {@code params} must not
     * change under one version. The deferred rows are written into {@code reuse}'s arrays when they fit (an
     * earlier result's, which nobody reads any more), else into new ones.
     */
    public double gradientInputMajorDeferringW1(float[] params, int n, float[] grad, float smoothing,
                                                float background, long weightsVersion, SparseRows reuse) {
        if (weightsVersion < 0) {
            throw new IllegalArgumentException("a weights version is non-negative, got " + weightsVersion);
        }
        return gradientInputMajor(params, n, grad, smoothing, background, true, weightsVersion, reuse);
    }

    /** The W1 rows the last {@link #gradientInputMajorDeferringW1} left unwritten, or null. */
    public SparseRows deferredRows() {
        return deferred;
    }

    private double gradientInputMajor(float[] params, int n, float[] grad, float smoothing, float background,
                                      boolean deferW1, long weightsVersion, SparseRows reuse) {
        deferred = null;
        LayerSizes s = sizes;
        int in = s.inputs();
        int h = s.hidden();
        lastSparse = sparse != null && sparse.load(x, n, background) <= maxSparseDensity;
        if (lastSparse) {
            sparse.forward(params, s.w1Offset(), background, hidden, weightsVersion);
        } else {
            Blas.get().sgemm("N", "N", h, n, in, 1f, params, s.w1Offset(), h, x, 0, in, 0f, hidden, 0, h);
        }
        double loss = fromHiddenSums(params, n, grad, smoothing);
        if (lastSparse && deferW1) {
            deferred = sparse.rows(hiddenDelta, grad, s.b1Offset(), background, reuse);
        } else if (lastSparse) {
            sparse.weightGradient(hiddenDelta, grad, s.b1Offset(), background, grad, s.w1Offset());
        } else {
            Blas.get().sgemm("N", "T", h, in, n, 1f, hiddenDelta, 0, h, x, 0, in, 0f, grad, s.w1Offset(), h);
        }
        return loss;
    }

    /** Whether the last gradient used the sparse first-layer products. */
    boolean lastBatchWasSparse() {
        return lastSparse;
    }

    /**
     * From {@code hidden} holding W1^T X: the rest of the forward pass, the loss, every gradient but W1's, and
     * {@code hiddenDelta} (the error at the hidden layer) for the caller's W1 product.
     */
    private double fromHiddenSums(float[] params, int n, float[] grad, float smoothing) {
        LayerSizes s = sizes;
        int h = s.hidden();
        int out = s.outputs();
        // Forward: A1 = tanh(W1^T X + b1), P = softmax(W2^T A1 + b2).
        int b1 = s.b1Offset();
        FastTanh.addBiasAndApply(hidden, 0, n, params, b1, h);
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
        // Backward: dW2 = A1 delta3^T, db2 = sum delta3, delta2 = (W2 delta3) .* (1 - A1^2); the caller: dW1 = X delta2^T.
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
        return loss;
    }
}
