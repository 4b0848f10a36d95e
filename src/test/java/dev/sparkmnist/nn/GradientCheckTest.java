package dev.sparkmnist.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The analytic gradient (backprop plus the L2 term the optimiser adds) equals centred finite differences of the
 * regularised loss, for every parameter block, with one-hot targets and with smoothed ones (the loss computed here
 * from the probabilities, independently of the code under test).
 */
class GradientCheckTest {
    private static final double LAMBDA = 0.05;

    @ParameterizedTest(name = "label smoothing {0}")
    @ValueSource(doubles = {0, 0.1, 0.3})
    void backpropMatchesFiniteDifferences(double smoothing) {
        LayerSizes sizes = new LayerSizes(12, 7, 10);
        Network net = Network.initialise(sizes, 3);
        int n = 9;
        Workspace ws = new Workspace(sizes, n);
        SplittableRandom r = new SplittableRandom(11);
        double[] x = new double[sizes.inputs() * n];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        for (int j = 0; j < n; j++) {
            y[j] = r.nextInt(10);
        }

        double[] analytic = new double[sizes.parameterCount()];
        load(ws, x, y);
        double reported = Backprop.accumulate(net, ws, n, analytic, smoothing);
        assertEquals(loss(net, ws, x, y, n, smoothing) - net.l2Penalty(LAMBDA), reported, 1e-9 * Math.abs(reported));
        for (int i = 0; i < analytic.length; i++) {
            if (sizes.isWeight(i)) {
                analytic[i] += LAMBDA * net.parameters()[i];
            }
        }

        double h = 1e-5;
        double[] p = net.parameters();
        String[] names = {"W1", "b1", "W2", "b2"};
        int[] bounds = {sizes.w1Offset(), sizes.b1Offset(), sizes.w2Offset(), sizes.b2Offset(),
                sizes.parameterCount()};
        for (int b = 0; b < 4; b++) {
            double worst = 0;
            for (int i = bounds[b]; i < bounds[b + 1]; i++) {
                double keep = p[i];
                p[i] = keep + h;
                double up = loss(net, ws, x, y, n, smoothing);
                p[i] = keep - h;
                double down = loss(net, ws, x, y, n, smoothing);
                p[i] = keep;
                double numeric = (up - down) / (2 * h);
                double rel = Math.abs(numeric - analytic[i]) / Math.max(1e-8, Math.abs(numeric) + Math.abs(analytic[i]));
                worst = Math.max(worst, rel);
            }
            // Smoothed targets put a little weight on every class, so some W2 components are tiny differences of
            // larger terms: the finite differences' own error shows at a few 1e-6 there (a wrong formula: >1e-2).
            double tolerance = smoothing == 0 ? 1e-6 : 3e-5;
            assertTrue(worst < tolerance, names[b] + ": worst relative error " + worst);
        }
    }

    /** Cross-entropy to the targets (1 - s) onehot(y) + s / classes, plus the L2 penalty. */
    private static double loss(Network net, Workspace ws, double[] x, int[] y, int n, double smoothing) {
        load(ws, x, y);
        ForwardPass.run(net, ws, n, false);
        int out = net.sizes().outputs();
        double sum = 0;
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < out; k++) {
                double target = smoothing / out + (k == y[j] ? 1 - smoothing : 0);
                sum -= target * Math.log(ws.output[j * out + k]);
            }
        }
        return sum + net.l2Penalty(LAMBDA);
    }

    private static void load(Workspace ws, double[] x, int[] y) {
        System.arraycopy(x, 0, ws.x, 0, x.length);
        System.arraycopy(y, 0, ws.y, 0, y.length);
    }
}
