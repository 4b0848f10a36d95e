package dev.sparkmnist.export;

import java.nio.FloatBuffer;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Scores raw pixel bytes with an exported model in ONNX Runtime, as a serving application would: float pixels
 * 0..255 in, {@code probabilities} and {@code label} out, in batches of a given size.
 */
public final class OrtScorer implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    /** Opens {@code onnxFile} (a local path). */
    public OrtScorer(String onnxFile) throws OrtException {
        session = env.createSession(onnxFile, new OrtSession.SessionOptions());
    }

    public OrtSession session() {
        return session;
    }

    /**
     * The outputs for {@code n} images of {@code width} bytes each.
     *
     * @param probabilities row i: image i's class probabilities
     * @param labels        the graph's {@code label} output
     */
    public record Scores(float[][] probabilities, long[] labels) {
    }

    /** Scores {@code n} images in runs of {@code batch} images. */
    public Scores score(byte[] pixels, int n, int width, int batch) throws OrtException {
        float[][] probabilities = new float[n][];
        long[] labels = new long[n];
        for (int first = 0; first < n; first += batch) {
            int m = Math.min(batch, n - first);
            float[] in = new float[m * width];
            for (int i = 0; i < in.length; i++) {
                in[i] = pixels[first * width + i] & 0xFF;
            }
            try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), new long[] {m, width});
                 OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, x))) {
                float[][] p = (float[][]) r.get(OnnxExport.PROBABILITIES).orElseThrow().getValue();
                long[] l = (long[]) r.get(OnnxExport.LABEL).orElseThrow().getValue();
                System.arraycopy(p, 0, probabilities, first, m);
                System.arraycopy(l, 0, labels, first, m);
            }
        }
        return new Scores(probabilities, labels);
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
