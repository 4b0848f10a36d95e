package dev.sparkmnist.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.sparkmnist.nn.LayerSizes;

/**
 * Nesterov's step equals PyTorch's formulation ({@code buf = m buf + g'; p -= lr (g' + m buf)} with
 * {@code g' = g + lambda p} on weights), in double and in float; with momentum 0 it is the plain step.
 */
class MomentumSgdTest {
    private static final LayerSizes SIZES = new LayerSizes(6, 4, 10);

    @Test
    void nesterovMatchesTheReferenceFormulation() {
        int n = SIZES.parameterCount();
        SplittableRandom r = new SplittableRandom(5);
        double[] p = new double[n];
        double[] ref = new double[n];
        float[] pf = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = r.nextDouble(-1, 1);
            ref[i] = p[i];
            pf[i] = (float) p[i];
        }
        double[] v = new double[n];
        double[] buf = new double[n];
        float[] vf = new float[n];
        double lr = 0.05;
        double lambda = 0.3;
        double m = 0.9;
        for (int step = 0; step < 5; step++) {
            double[] g = new double[n];
            float[] gf = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = r.nextDouble(-1, 1);
                gf[i] = (float) (g[i] / 2);   // the float path scales its gradient by 2 below
            }
            for (int i = 0; i < n; i++) {
                double gi = g[i] + (SIZES.isWeight(i) ? lambda * ref[i] : 0);
                buf[i] = m * buf[i] + gi;
                ref[i] -= lr * (gi + m * buf[i]);
            }
            MomentumSgd.step(SIZES, p, v, g, lr, lambda, m, true);
            MomentumSgd.step(SIZES, pf, vf, gf, 2f, lr, lambda, m, true);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(ref[i], p[i], 1e-12, "double, parameter " + i);
            assertEquals(ref[i], pf[i], 1e-5, "float, parameter " + i);
        }
    }

    @Test
    void withoutMomentumNesterovIsThePlainStep() {
        int n = SIZES.parameterCount();
        double[] a = new double[n];
        double[] b = new double[n];
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = b[i] = 0.01 * i;
            g[i] = Math.sin(i);
        }
        MomentumSgd.step(SIZES, a, new double[n], g, 0.1, 0.2, 0, true);
        MomentumSgd.step(SIZES, b, new double[n], g, 0.1, 0.2, 0, false);
        for (int i = 0; i < n; i++) {
            assertEquals(b[i], a[i], 0.0);
        }
    }
}
