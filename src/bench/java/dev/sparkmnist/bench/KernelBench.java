package dev.sparkmnist.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import dev.sparkmnist.nn.Backprop;
import dev.sparkmnist.nn.Blas;
import dev.sparkmnist.nn.FloatKernel;
import dev.sparkmnist.nn.InputMajorLayout;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.nn.Workspace;

/**
 * The training gradient kernel alone ({@link FloatKernel}: forward and backward for one partition's share of a
 * batch, on one thread, on float weights as local SGD keeps them) and the double one against the BLAS ceiling: netlib
 * dgemm and sgemm on exactly the three matrix shapes the kernel multiplies, timed in the same JVM; and the kernel as
 * training tasks run it (W1 input-major, sparse first layer on inputs four-fifths blank), at the dense FLOP count.
 */
final class KernelBench {
    private KernelBench() {
    }

    /** FLOPs of one forward+backward pass: the five gemms (2mnk each); the elementwise work is not counted. */
    static double flopsPerBatch(LayerSizes s, int n) {
        double in = s.inputs();
        double h = s.hidden();
        double out = s.outputs();
        return 2 * n * (in * h * 2 + h * out * 3);
    }

    static Map<String, Object> run(LayerSizes sizes, int n, double seconds) {
        Network net = Network.initialise(sizes, 1);
        Workspace ws = new Workspace(sizes, n);
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < ws.x.length; i++) {
            ws.x[i] = r.nextInt(256) / 255.0 * (r.nextInt(5) == 0 ? 1 : 0);
        }
        for (int j = 0; j < n; j++) {
            ws.y[j] = r.nextInt(10);
        }
        double[] grad = new double[sizes.parameterCount()];
        double flops = flopsPerBatch(sizes, n);
        double doubleKernel = rate(flops, seconds, () -> Backprop.accumulate(net, ws, n, grad));
        FloatKernel fk = new FloatKernel(sizes, n);
        for (int i = 0; i < ws.x.length; i++) {
            fk.x[i] = (float) ws.x[i];
        }
        System.arraycopy(ws.y, 0, fk.y, 0, n);
        float[] paramsF = toFloat(net.parameters());
        float[] gradF = new float[sizes.parameterCount()];
        double kernel = rate(flops, seconds, () -> fk.gradient(paramsF, n, gradF));
        // What training tasks run: W1 input-major, the first layer from the inputs that are set (a fifth here,
        // as in MNIST), counted at the dense products' FLOPs.
        float[] paramsT = new float[paramsF.length];
        InputMajorLayout.toInputMajor(sizes, paramsF, 0, paramsT);
        double inputMajor = rate(flops, seconds, () -> fk.gradientInputMajor(paramsT, n, gradF, 0f, 0f));

        int in = sizes.inputs();
        int h = sizes.hidden();
        int out = sizes.outputs();
        double[] xd = ws.x.clone();
        double[] w1 = net.block(0, in * h);
        double[] hd = new double[h * n];
        double[] dw = new double[in * h];
        float[] xf = toFloat(xd);
        float[] w1f = toFloat(w1);
        float[] hf = new float[h * n];
        float[] dwf = new float[in * h];
        double[] w2 = new double[h * out];
        double[] o = new double[out * n];
        float[] w2f = new float[h * out];
        float[] of = new float[out * n];
        // Same five products as the kernel: W1^T X, X D^T (the two big ones), and the three small output-layer ones.
        Runnable dgemm = () -> {
            Blas.get().dgemm("T", "N", h, n, in, 1.0, w1, 0, in, xd, 0, in, 0.0, hd, 0, h);
            Blas.get().dgemm("N", "T", in, h, n, 1.0, xd, 0, in, hd, 0, h, 1.0, dw, 0, in);
            Blas.get().dgemm("T", "N", out, n, h, 1.0, w2, 0, h, hd, 0, h, 0.0, o, 0, out);
            Blas.get().dgemm("N", "T", h, out, n, 1.0, hd, 0, h, o, 0, out, 1.0, w2, 0, h);
            Blas.get().dgemm("N", "N", h, n, out, 1.0, w2, 0, h, o, 0, out, 0.0, hd, 0, h);
        };
        Runnable sgemm = () -> {
            Blas.get().sgemm("T", "N", h, n, in, 1f, w1f, 0, in, xf, 0, in, 0f, hf, 0, h);
            Blas.get().sgemm("N", "T", in, h, n, 1f, xf, 0, in, hf, 0, h, 1f, dwf, 0, in);
            Blas.get().sgemm("T", "N", out, n, h, 1f, w2f, 0, h, hf, 0, h, 0f, of, 0, out);
            Blas.get().sgemm("N", "T", h, out, n, 1f, hf, 0, h, of, 0, out, 1f, w2f, 0, h);
            Blas.get().sgemm("N", "N", h, n, out, 1f, w2f, 0, h, of, 0, out, 0f, hf, 0, h);
        };
        double d = rate(flops, seconds, dgemm);
        double s = rate(flops, seconds, sgemm);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("blas", Blas.implementation());
        m.put("shape", sizes + " batch " + n);
        m.put("kernelGflops", kernel);
        m.put("doubleKernelGflops", doubleKernel);
        m.put("dgemmGflops", d);
        m.put("sgemmGflops", s);
        m.put("kernelVsSgemm", kernel / s);
        m.put("sparseKernelDenseEquivalentGflops", inputMajor);
        m.put("sparseKernelVsKernel", inputMajor / kernel);
        m.put("doubleKernelVsDgemm", doubleKernel / d);
        return m;
    }

    /** GFLOP/s of {@code body}: warmed up, then run for about {@code seconds}; the best of five slices. */
    private static double rate(double flops, double seconds, Runnable body) {
        for (int i = 0; i < 30; i++) {
            body.run();
        }
        double best = 0;
        for (int slice = 0; slice < 5; slice++) {
            long reps = 0;
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds / 5 * 1e9);
            long now;
            do {
                body.run();
                reps++;
                now = System.nanoTime();
            } while (now < end);
            best = Math.max(best, flops * reps / ((now - t0) / 1e9) / 1e9);
        }
        return best;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    public static void main(String[] args) {
        int hidden = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        System.out.println(run(new LayerSizes(784, hidden, 10), n, 3));
    }
}
