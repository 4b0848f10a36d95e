package dev.sparkmnist.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} (a user's own {@code java} command, a cluster
 * whose executors lack the option) trains with the same kernel: the sparse first layer and the lane tanh are left
 * out without an error, and the gradient is the one this JVM computes, to float rounding.
 */
class WithoutVectorApiTest {

    /** Child side: writes whether the Vector API is present, then the loss and gradient of a fixed batch. */
    public static void main(String[] args) throws IOException {
        float[][] got = compute();
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[0])))) {
            out.writeBoolean(SparseInputProducts.AVAILABLE);
            for (float v : got[0]) {
                out.writeFloat(v);
            }
        }
    }

    /** The loss (first element) then the gradient, W1 input-major, of a batch mostly at the background value. */
    private static float[][] compute() {
        LayerSizes sizes = new LayerSizes(60, 40, 10);
        int n = 24;
        FloatKernel kernel = new FloatKernel(sizes, n);
        SplittableRandom r = new SplittableRandom(11);
        float background = -0.5f;
        for (int i = 0; i < sizes.inputs() * n; i++) {
            kernel.x[i] = r.nextInt(5) == 0 ? (float) r.nextDouble(-1, 3) : background;
        }
        for (int j = 0; j < n; j++) {
            kernel.y[j] = r.nextInt(10);
        }
        float[] params = new float[sizes.parameterCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) (r.nextGaussian() * 0.2);
        }
        float[] grad = new float[params.length];
        double loss = kernel.gradientInputMajor(params, n, grad, 0.1f, background);
        float[] out = new float[grad.length + 1];
        out[0] = (float) loss;
        System.arraycopy(grad, 0, out, 1, grad.length);
        return new float[][] {out};
    }

    @Test
    void withoutTheModuleTheKernelRunsDenseAndAgrees(@TempDir Path dir) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        String lib = System.getProperty("dev.ludovic.netlib.blas.nativeLib");
        if (lib != null) {
            cmd.add("-Ddev.ludovic.netlib.blas.nativeLib=" + lib);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(WithoutVectorApiTest.class.getName());
        Path result = dir.resolve("gradient.bin");
        cmd.add(result.toString());
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), () -> "child JVM failed: " + read(log));

        float[] expected = compute()[0];
        try (DataInputStream in = new DataInputStream(Files.newInputStream(result))) {
            assertEquals(false, in.readBoolean(), "the child should not have the Vector API");
            double norm = 0;
            for (int i = 1; i < expected.length; i++) {
                norm = Math.max(norm, Math.abs(expected[i]));
            }
            assertEquals(expected[0], in.readFloat(), 1e-5 * Math.abs(expected[0]), "loss");
            for (int i = 1; i < expected.length; i++) {
                assertEquals(expected[i], in.readFloat(), 1e-5 * norm, "gradient component " + (i - 1));
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
