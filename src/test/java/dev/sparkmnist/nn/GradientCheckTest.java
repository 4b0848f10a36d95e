package dev.sparkmnist.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The analytic gradient (backprop plus the L2 term the optimiser adds) equals centred finite differences of the
 * regularised loss, for every parameter block.
 */
class GradientCheckTest {
    private static final double LAMBDA = 0.05;

    @Test
    void backpropMatchesFiniteDifferences() {
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
        Backprop.accumulate(net, ws, n, analytic);
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
                double up = loss(net, ws, x, y, n);
                p[i] = keep - h;
                double down = loss(net, ws, x, y, n);
                p[i] = keep;
                double numeric = (up - down) / (2 * h);
                double rel = Math.abs(numeric - analytic[i]) / Math.max(1e-8, Math.abs(numeric) + Math.abs(analytic[i]));
                worst = Math.max(worst, rel);
            }
            assertTrue(worst < 1e-6, names[b] + ": worst relative error " + worst);
        }
    }

    private static double loss(Network net, Workspace ws, double[] x, int[] y, int n) {
        load(ws, x, y);
        return ForwardPass.run(net, ws, n, true) + net.l2Penalty(LAMBDA);
    }

    private static void load(Workspace ws, double[] x, int[] y) {
        System.arraycopy(x, 0, ws.x, 0, x.length);
        System.arraycopy(y, 0, ws.y, 0, y.length);
    }
}
