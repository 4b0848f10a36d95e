package dev.sparkmnist.nn;

import java.io.Serializable;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scores a block of images at once, for prediction: hidden = tanh(W1^T X + b1), probabilities = softmax(W2^T
 * hidden + b2), one matrix product per layer for the whole block. The products run in single precision on the
 * weights of {@link Weights} (float, W1 {@link InputMajorLayout input-major}): the first layer from the inputs that
 * differ from the background value ({@link SparseInputProducts}, about a fifth of the multiply-adds on MNIST) or with
 * BLAS {@code sgemm} when the block is dense or the Vector API is absent; tanh in lanes ({@link FastTanh}); the
 * softmax in double from the float logits.
 *
 * <p>The probabilities therefore equal {@link ForwardPass}'s double ones to float rounding (differences of 1e-6
 * at most on MNIST), not bit for bit; the predicted class is the same unless two classes are that close. The
 * output size is the network's ({@link LayerSizes#outputs()}). Not thread-safe: one scorer per task, reused for
 * every block.
 */
public final class BlockScorer {
    /**
     * Largest share of non-background inputs at which the sparse products beat sgemm (the trainer's measured
     * break-even, {@link FloatKernel}: near 45% against OpenBLAS, near 90% against the Java BLAS).
     */
    private static final double MAX_SPARSE_DENSITY_NATIVE = 0.4;
    private static final double MAX_SPARSE_DENSITY_JAVA = 0.8;
    /** System property that switches the warm-up off ({@code false}), for comparisons. */
    public static final String WARM_UP_PROPERTY = "sparkmnist.warmUp";
    private static final int WARM_UP_IMAGES = 12_800;
    private static final AtomicBoolean WARMING_UP = new AtomicBoolean();

    private final Weights weights;
    private final int capacity;
    private final float background;
    /** Block inputs, filled by the caller: column j (inputs values) is image j. */
    public final float[] x;
    private final float[] hidden;
    private final float[] logits;
    private final double[] probabilities;
    /** Null without the Vector API, or when switched off ({@value FloatKernel#SPARSE_PROPERTY}=false). */
    private final SparseInputProducts sparse;
    private final double maxSparseDensity;

    /**
     * A scorer for blocks of up to {@code capacity} images; {@code background} is the input value of a blank pixel
     * (the input scaling's offset), which the sparse first layer leaves out.
     */
    public BlockScorer(Weights weights, float background, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        LayerSizes s = weights.sizes();
        this.weights = weights;
        this.capacity = capacity;
        this.background = background;
        this.x = new float[s.inputs() * capacity];
        this.hidden = new float[s.hidden() * capacity];
        this.logits = new float[s.outputs() * capacity];
        this.probabilities = new double[s.outputs() * capacity];
        boolean wanted = !"false".equalsIgnoreCase(System.getProperty(FloatKernel.SPARSE_PROPERTY, "true").trim());
        this.sparse = wanted && SparseInputProducts.AVAILABLE
                ? new SparseInputProducts(s.inputs(), s.hidden(), capacity) : null;
        this.maxSparseDensity = Blas.isNative() ? MAX_SPARSE_DENSITY_NATIVE : MAX_SPARSE_DENSITY_JAVA;
    }

    /**
     * Starts, once per JVM, a background thread that scores synthetic blocks with a small network of
     * {@code inputs} inputs, so that the JIT has compiled the scorer's loops by the time the first real block
     * arrives: until then the Vector API runs interpreted, some 25 times slower. Called where a command or
     * program first touches a model (loading it), so the compilation overlaps the start of the Spark context.
     */
    public static void warmUpInBackground(int inputs) {
        if (!"false".equalsIgnoreCase(System.getProperty(WARM_UP_PROPERTY, "true").trim())
                && WARMING_UP.compareAndSet(false, true)) {
            Thread t = new Thread(() -> warmUp(inputs), "block-scorer-warm-up");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Scores {@value #WARM_UP_IMAGES} synthetic digit-like images (a fifth of the pixels set) in blocks of 64. */
    static void warmUp(int inputs) {
        LayerSizes sizes = new LayerSizes(inputs, 64, 10);
        BlockScorer scorer = new BlockScorer(Weights.of(Network.initialise(sizes, 1)), -0.4f, 64);
        SplittableRandom random = new SplittableRandom(1);
        byte[] pixels = new byte[inputs * 64];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (random.nextDouble() < 0.2 ? random.nextInt(256) : 0);
        }
        for (int done = 0; done < WARM_UP_IMAGES; done += 64) {
            for (int j = 0; j < 64; j++) {
                scorer.setPixels(j, pixels, j * inputs, 0.0125, -0.4);
            }
            scorer.score(64);
        }
    }

    /** Images per block. */
    public int capacity() {
        return capacity;
    }

    /** Classes per image: the network's outputs. */
    public int classes() {
        return weights.sizes().outputs();
    }

    /**
     * Fills column {@code column} of {@link #x} from {@code pixels[from..from+inputs)} (unsigned bytes) as
     * {@code pixel * factor + offset}, the input scaling, in double and then rounded to float.
     */
    public void setPixels(int column, byte[] pixels, int from, double factor, double offset) {
        int in = weights.sizes().inputs();
        int at = column * in;
        for (int k = 0; k < in; k++) {
            x[at + k] = (float) ((pixels[from + k] & 0xff) * factor + offset);
        }
    }

    /** Scores the first {@code n} columns of {@link #x}; then read {@link #probability} and {@link #predicted}. */
    public void score(int n) {
        if (n < 1 || n > capacity) {
            throw new IllegalArgumentException("block of " + n + " images; this scorer holds 1.." + capacity);
        }
        LayerSizes s = weights.sizes();
        float[] p = weights.inputMajor();
        int in = s.inputs();
        int h = s.hidden();
        int out = s.outputs();
        if (sparse != null && sparse.load(x, n, background) <= maxSparseDensity) {
            sparse.forward(p, s.w1Offset(), background, hidden);
        } else {
            Blas.get().sgemm("N", "N", h, n, in, 1f, p, s.w1Offset(), h, x, 0, in, 0f, hidden, 0, h);
        }
        FastTanh.addBiasAndApply(hidden, 0, n, p, s.b1Offset(), h);
        Blas.get().sgemm("T", "N", out, n, h, 1f, p, s.w2Offset(), h, hidden, 0, h, 0f, logits, 0, out);
        int b2 = s.b2Offset();
        for (int j = 0; j < n; j++) {
            int col = j * out;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < out; k++) {
                max = Math.max(max, logits[col + k] + p[b2 + k]);
            }
            double sum = 0;
            for (int k = 0; k < out; k++) {
                double e = Math.exp((logits[col + k] + p[b2 + k]) - max);
                probabilities[col + k] = e;
                sum += e;
            }
            for (int k = 0; k < out; k++) {
                probabilities[col + k] /= sum;
            }
        }
    }

    /** Image {@code j}'s probability of class {@code k}, after {@link #score}. */
    public double probability(int j, int k) {
        return probabilities[j * classes() + k];
    }

    /** Image {@code j}'s probabilities, a new array of {@link #classes()} values. */
    public double[] probabilities(int j) {
        int out = classes();
        return java.util.Arrays.copyOfRange(probabilities, j * out, (j + 1) * out);
    }

    /** The most probable class of image {@code j} (the first of equals), after {@link #score}. */
    public int predicted(int j) {
        int out = classes();
        int col = j * out;
        int best = 0;
        for (int k = 1; k < out; k++) {
            if (probabilities[col + k] > probabilities[col + best]) {
                best = k;
            }
        }
        return best;
    }

    /**
     * A network's parameters as the scorer reads them: float, W1 input-major, the rest in {@link LayerSizes}'
     * order. Converted once on the driver; this is what a Spark job broadcasts (half the bytes of the double
     * network), and every scorer in an executor shares it read-only.
     */
    public record Weights(LayerSizes sizes, float[] inputMajor) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Weights {
            if (inputMajor.length != sizes.parameterCount()) {
                throw new IllegalArgumentException("weights for " + sizes + " need " + sizes.parameterCount()
                        + " values, got " + inputMajor.length);
            }
        }

        /** {@code network}'s parameters rounded to float and laid out for the scorer. */
        public static Weights of(Network network) {
            double[] p = network.parameters();
            float[] f = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                f[i] = (float) p[i];
            }
            float[] inputMajor = new float[p.length];
            InputMajorLayout.toInputMajor(network.sizes(), f, 0, inputMajor);
            return new Weights(network.sizes(), inputMajor);
        }
    }
}
