package dev.sparkmnist.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The single-precision training kernel computes the double kernel's gradient and loss, to float accuracy, with
 * one-hot and with smoothed targets.
 */
class FloatKernelTest {

    @ParameterizedTest(name = "label smoothing {0}")
    @ValueSource(doubles = {0, 0.1})
    void floatGradientMatchesTheDoubleGradient(double smoothing) {
        LayerSizes sizes = new LayerSizes(784, 32, 10);
        Network net = Network.initialise(sizes, 3);
        int n = 40;
        Workspace ws = new Workspace(sizes, n);
        FloatKernel kernel = new FloatKernel(sizes, n);
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 784 * n; i++) {
            double v = r.nextInt(4) == 0 ? r.nextInt(256) / 255.0 : 0;
            ws.x[i] = v;
            kernel.x[i] = (float) v;
        }
        for (int j = 0; j < n; j++) {
            ws.y[j] = r.nextInt(10);
            kernel.y[j] = ws.y[j];
        }
        double[] expected = new double[sizes.parameterCount()];
        double expectedLoss = Backprop.accumulate(net, ws, n, expected, smoothing);
        float[] params = new float[sizes.parameterCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) net.parameters()[i];
        }
        float[] got = new float[sizes.parameterCount()];
        java.util.Arrays.fill(got, 123);   // overwritten, not added to
        for (int rep = 0; rep < 2; rep++) {   // buffers are reused: a second call gives the same answer
            double loss = kernel.gradient(params, n, got, (float) smoothing);
            assertEquals(expectedLoss, loss, 1e-4 * expectedLoss);
            double norm = 0;
            for (double v : expected) {
                norm = Math.max(norm, Math.abs(v));
            }
            double worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - expected[i]) / norm);
            }
            assertTrue(worst < 1e-4, "worst difference relative to the largest component: " + worst);
        }
    }
}
