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

    /**
     * The double step on SIMD lanes ({@link MomentumSgd#stepRange} where the Vector API is present) gives every
     * element the one-at-a-time arithmetic's bits, for each of the three rules, ranges that do not fill whole
     * vectors and a gradient read at a shift.
     */
    @Test
    void theVectorisedDoubleStepIsTheScalarStepToTheBit() {
        LayerSizes sizes = new LayerSizes(37, 29, 10);
        int n = sizes.parameterCount();
        SplittableRandom r = new SplittableRandom(11);
        double[][] rules = {{0, 0}, {0.9, 1}, {0.9, 0}};   // momentum, nesterov
        for (double[] rule : rules) {
            double[] p = new double[n];
            double[] v = new double[n];
            double[] g = new double[n + 5];
            for (int i = 0; i < n; i++) {
                // magnitudes far apart, so that any other order or a fused multiply-add shows in the last bits
                p[i] = r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-8, 9));
                v[i] = r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-8, 9));
            }
            for (int i = 0; i < g.length; i++) {
                g[i] = r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-8, 9));
            }
            double[] ps = p.clone();
            double[] vs = v.clone();
            boolean nesterov = rule[1] == 1;
            int[] cuts = {0, 3, 1000, 1001, sizes.b1Offset() + 1, n};
            for (int c = 0; c + 1 < cuts.length; c++) {
                MomentumSgd.stepRange(sizes, p, v, g, -5, cuts[c], cuts[c + 1], 0.03, 0.7, rule[0], nesterov);
            }
            for (int b = 0; b < 4; b++) {
                int lo = MomentumSgd.bound(sizes, b);
                int hi = MomentumSgd.bound(sizes, b + 1);
                MomentumSgd.scalarUpdate(ps, vs, g, -5, 0.03, b % 2 == 0 ? 0.7 : 0, rule[0], nesterov, lo, hi);
            }
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToRawLongBits(ps[i]), Double.doubleToRawLongBits(p[i]),
                        "momentum " + rule[0] + ", nesterov " + nesterov + ", parameter " + i);
                assertEquals(Double.doubleToRawLongBits(vs[i]), Double.doubleToRawLongBits(v[i]),
                        "velocity, momentum " + rule[0] + ", nesterov " + nesterov + ", parameter " + i);
            }
        }
    }
}
