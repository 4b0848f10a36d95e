package dev.sparkmnist.export;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.nn.ForwardPass;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.nn.Workspace;
import dev.sparkmnist.train.PhaseConfig;

/**
 * Models made in code for export tests (the tests are about the export, not training) and our own forward pass
 * over raw pixel bytes, which an exported model must reproduce.
 */
public final class OnnxFixtures {
    private OnnxFixtures() {
    }

    /**
     * A network with every parameter random, biases included (so a bias wired to the wrong place shows), saved
     * with the given scaling; seeded. Weights are drawn at 3/sqrt(fan-in) and biases within +-0.1, so that the
     * prediction depends on the image (with 0..1 inputs, weights at 1/sqrt(fan-in) leave the output biases to
     * decide every prediction alone).
     */
    public static SavedModel randomModel(int hidden, InputScaling scaling, long seed) {
        LayerSizes sizes = new LayerSizes(784, hidden, 10);
        double[] p = Network.initialise(sizes, seed).parameters();
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        for (int i = 0; i < p.length; i++) {
            p[i] = sizes.isWeight(i) ? 3 * p[i] : 0.2 * (r.nextDouble() - 0.5);
        }
        ModelMetadata meta = new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.FORMAT_VERSION,
                new int[] {784, hidden, 10}, "tanh", "softmax", scaling.kind().word(),
                ModelMetadata.InputTransform.of(scaling), null, seed, List.of(PhaseConfig.plain(100, 64, 0.001, 0.01)),
                null, null,
                Map.of("train-images-idx3-ubyte", "ab".repeat(32), "t10k-images-idx3-ubyte", "cd".repeat(32)),
                Map.of("testAccuracy", 0.5), "0.1.0", "4.2.0", "2026-12-03T00:00:00Z", ModelMetadata.WEIGHT_FILES);
        return new SavedModel(new Network(sizes, p), meta);
    }

    /**
     * Every kind of scaling a model can carry: raw, unit, MNIST's standardisation (older models) and statistics
     * learnt from other data (a brighter set's mean and spread), so the stored values are what reaches the graph.
     */
    public static java.util.stream.Stream<InputScaling> scalings() {
        return java.util.stream.Stream.of(InputScaling.RAW, InputScaling.UNIT, InputScaling.MNIST_STANDARD,
                InputScaling.standardised(72.9, 90.0));
    }

    /** Our forward pass: row i holds the class probabilities of image i of {@code pixels} (784 bytes each). */
    public static double[][] probabilities(SavedModel model, byte[] pixels, int n) {
        InputScaling scaling = model.metadata().scaling();
        LayerSizes s = model.network().sizes();
        Workspace ws = new Workspace(s, n);
        for (int i = 0; i < n * s.inputs(); i++) {
            ws.x[i] = scaling.apply(pixels[i] & 0xFF);
        }
        ForwardPass.run(model.network(), ws, n, false);
        double[][] out = new double[n][s.outputs()];
        for (int j = 0; j < n; j++) {
            System.arraycopy(ws.probabilities(), j * s.outputs(), out[j], 0, s.outputs());
        }
        return out;
    }

    /** The index of the largest value, the first of equal ones (as our evaluation and ONNX's ArgMax). */
    public static int argmax(double[] row) {
        return dev.sparkmnist.nn.ForwardPass.argmax(row);
    }
}
