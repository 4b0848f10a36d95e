package dev.sparkmnist.bench;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * The peer of the {@code scoring} benchmark section (bench/scoring.sh): ONNX Runtime Java scoring an IDX images
 * file (plain or gz, decoded here) with a model exported by {@code ./submit.sh export}, in batches, on the given
 * number of intra-op threads, as a serving program would. Prints one JSON line: images, seconds to read the file,
 * to open the session and to score, and the accuracy when a labels file is given. Depends on nothing of the
 * project, so it measures ONNX Runtime alone.
 *   OnnxScoring MODEL.onnx IMAGES [LABELS|-] THREADS [BATCH]
 */
public final class OnnxScoring {
    private OnnxScoring() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        byte[][] images = readIdx(Path.of(args[1]));
        int n = images.length;
        int d = images[0].length;
        byte[] labels = args[2].equals("-") ? null : readIdx(Path.of(args[2]))[0];
        int threads = Integer.parseInt(args[3]);
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 1024;
        long t1 = System.nanoTime();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        long correct = 0;
        long t2;
        long t3;
        try (OrtSession session = env.createSession(args[0], options)) {
            t2 = System.nanoTime();
            float[] buffer = new float[batch * d];
            for (int first = 0; first < n; first += batch) {
                int m = Math.min(batch, n - first);
                for (int j = 0; j < m; j++) {
                    byte[] image = images[first + j];
                    for (int k = 0; k < d; k++) {
                        buffer[j * d + k] = image[k] & 0xff;
                    }
                }
                try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(buffer, 0, m * d),
                        new long[] {m, d});
                     OrtSession.Result result = session.run(Map.of("pixels", input))) {
                    long[] predicted = (long[]) result.get("label").orElseThrow().getValue();
                    float[][] probabilities = (float[][]) result.get("probabilities").orElseThrow().getValue();
                    if (probabilities.length != m) {
                        throw new IllegalStateException("expected " + m + " rows of probabilities");
                    }
                    for (int j = 0; labels != null && j < m; j++) {
                        correct += predicted[j] == (labels[first + j] & 0xff) ? 1 : 0;
                    }
                }
            }
            t3 = System.nanoTime();
        }
        System.out.printf(Locale.ROOT, "{\"images\": %d, \"readSeconds\": %.3f, \"sessionSeconds\": %.3f, "
                        + "\"scoreSeconds\": %.3f, \"accuracy\": %s}%n", n, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                (t3 - t2) / 1e9, labels == null ? "null" : String.format(Locale.ROOT, "%.6f", (double) correct / n));
    }

    /** The records of an IDX file (labels: one record holding them all). */
    private static byte[][] readIdx(Path path) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        try (DataInputStream in = new DataInputStream(path.toString().endsWith(".gz")
                ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw)) {
            int magic = in.readInt();
            int dims = magic & 0xff;
            int count = in.readInt();
            int recordBytes = 1;
            for (int i = 1; i < dims; i++) {
                recordBytes *= in.readInt();
            }
            if (dims == 1) {
                byte[] all = new byte[count];
                in.readFully(all);
                return new byte[][] {all};
            }
            byte[][] records = new byte[count][recordBytes];
            for (byte[] r : records) {
                in.readFully(r);
            }
            return records;
        }
    }
}
