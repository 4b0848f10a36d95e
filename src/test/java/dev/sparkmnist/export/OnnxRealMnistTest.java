package dev.sparkmnist.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxHeader;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.model.CommitteeStore;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedCommittee;
import dev.sparkmnist.model.SavedModel;

/**
 * The exported model on the real MNIST test set (folder from MNIST_DIR; skipped, with the reason printed, where it
 * is not set): ONNX Runtime's probabilities equal our forward pass within 1e-5 and its labels equal ours on all
 * 10,000 images. The model is one made in code, or the trained model in MNIST_MODEL_DIR when that is set, whose
 * ONNX test accuracy must then equal the one in its model.json exactly (the check behind the README's figure). A
 * committee's directory (train --committee) is exported as one graph and checked against its members' forward
 * passes combined as its model.json says.
 */
class OnnxRealMnistTest {
    @TempDir
    Path work;

    /** Our probabilities: each member's forward pass, combined as the committee says (one member: its own). */
    private static double[][] probabilities(SavedCommittee committee, byte[] pixels, int n) {
        List<double[][]> each = new ArrayList<>();
        for (SavedModel m : committee.members()) {
            each.add(OnnxFixtures.probabilities(m, pixels, n));
        }
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            double[][] record = new double[each.size()][];
            for (int k = 0; k < each.size(); k++) {
                record[k] = each.get(k)[i];
            }
            out[i] = new double[record[0].length];
            committee.combination().combine(record, 0, out[i].length, out[i], 0);
        }
        return out;
    }

    @Test
    void onnxRuntimeScoresTheMnistTestSetAsOurForwardPassDoes() throws Exception {
        String dir = System.getenv("MNIST_DIR");
        if (dir == null || dir.isBlank()) {
            System.out.println("OnnxRealMnistTest skipped: MNIST_DIR is not set (point it at the real MNIST files)");
        }
        Assumptions.assumeTrue(dir != null && !dir.isBlank(), "MNIST_DIR is not set");
        String trained = System.getenv("MNIST_MODEL_DIR");
        Path modelDir;
        if (trained != null && !trained.isBlank()) {
            modelDir = Path.of(trained);
        } else {
            modelDir = work.resolve("model");
            ModelStore.save(modelDir.toString(), OnnxFixtures.randomModel(64, InputScaling.MNIST_STANDARD, 9), Map.of());
        }
        SavedCommittee model = CommitteeStore.load(modelDir.toString()); // a single network: a committee of one
        MnistFiles.Split test = MnistFiles.test(dir);
        IdxHeader images = IdxReader.readHeader(test.images(), IdxKind.IMAGES);
        int n = (int) images.count();
        byte[] pixels = IdxReader.readRecords(images, 0, n);
        byte[] labels = IdxReader.readLabels(IdxReader.readHeader(test.labels(), IdxKind.LABELS));

        Path out = work.resolve("model.onnx");
        OnnxExport.write(modelDir.toString(), out.toString(), Precision.DOUBLE);
        double[][] ours = probabilities(model, pixels, n);
        int correct = 0;
        double maxDiff = 0;
        try (OrtScorer ort = new OrtScorer(out.toString())) {
            OrtScorer.Scores s = ort.score(pixels, n, images.recordBytes(), 1000);
            for (int i = 0; i < n; i++) {
                assertEquals(OnnxFixtures.argmax(ours[i]), s.labels()[i], "image " + i);
                for (int k = 0; k < 10; k++) {
                    maxDiff = Math.max(maxDiff, Math.abs(s.probabilities()[i][k] - ours[i][k]));
                }
                correct += s.labels()[i] == labels[i] ? 1 : 0;
            }
        }
        double accuracy = (double) correct / n;
        System.out.printf(Locale.ROOT, "ONNX Runtime on the MNIST test set: %d of %d right (%.4f), max |probability "
                + "difference| %.2e, model.onnx %,d bytes, from %s%n", correct, n, accuracy, maxDiff,
                Files.size(out), modelDir);
        assertTrue(maxDiff <= 1e-5, "max difference " + maxDiff);
        if (trained != null && !trained.isBlank()) {
            Object recorded = model.metadata().metrics().get("testAccuracy"); // a committee's: its combination's
            System.out.println("model.json test accuracy: " + recorded);
            assertEquals(((Number) recorded).doubleValue(), accuracy, 0.0);
        }
    }
}
