package dev.sparkmnist.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.train.PhaseConfig;

class ModelStoreTest {
    @TempDir
    Path dir;

    private static SavedModel model(int hidden, long seed) {
        Network net = Network.initialise(new LayerSizes(784, hidden, 10), seed);
        ModelMetadata meta = new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.FORMAT_VERSION,
                new int[] {784, hidden, 10}, "tanh", "softmax", "unit", seed,
                List.of(PhaseConfig.plain(10, 20, 0.1, 0.01)), null, Map.of("a", "b"), Map.of("testAccuracy", 0.5),
                "test", "4.2.0", "now", ModelMetadata.WEIGHT_FILES);
        return new SavedModel(net, meta);
    }

    @Test
    void roundTripKeepsEveryWeightAndTheMetadata() {
        SavedModel m = model(17, 3);
        String target = dir.resolve("m").toString();
        ModelStore.save(target, m, Map.of("metrics.json", "{}".getBytes()));
        SavedModel back = ModelStore.load(target);
        assertArrayEquals(m.network().parameters(), back.network().parameters());
        assertEquals(m.metadata().phases(), back.metadata().phases());
        assertEquals(0.5, back.metadata().metrics().get("testAccuracy"));
    }

    @Test
    void modelsWrittenBeforeNesterovAndLabelSmoothingStillLoad() throws Exception {
        String target = dir.resolve("m").toString();
        ModelStore.save(target, model(5, 1), Map.of());
        Path json = dir.resolve("m").resolve("model.json");
        String text = Files.readString(json);
        String older = text.replaceAll(",\\s*\"nesterov\"\\s*:\\s*false", "")
                .replaceAll(",\\s*\"labelSmoothing\"\\s*:\\s*0\\.0", "");
        assertTrue(text.contains("\"labelSmoothing\"") && !older.contains("labelSmoothing")
                && !older.contains("nesterov"), older);
        Files.writeString(json, older);
        PhaseConfig phase = ModelStore.load(target).metadata().phases().get(0);
        assertEquals(false, phase.nesterov());
        assertEquals(0.0, phase.labelSmoothing());
    }

    @Test
    void modelJsonListsTheWeightFilesInParameterOrder() throws Exception {
        String target = dir.resolve("m").toString();
        ModelStore.save(target, model(5, 1), Map.of());
        String json = Files.readString(dir.resolve("m").resolve(ModelStore.MODEL_JSON));
        String files = json.substring(json.indexOf("\"weightFiles\""));
        int w1 = files.indexOf("\"W1\"");
        int b1 = files.indexOf("\"b1\"");
        int w2 = files.indexOf("\"W2\"");
        int b2 = files.indexOf("\"b2\"");
        assertTrue(0 < w1 && w1 < b1 && b1 < w2 && w2 < b2, "W1, b1, W2, b2 in that order (a Map.of order changes "
                + "from JVM to JVM): " + files);
    }

    @Test
    void replacingAModelIsAtomicAndLeavesNoTemporaries() throws Exception {
        String target = dir.resolve("m").toString();
        ModelStore.save(target, model(5, 1), Map.of());
        ModelStore.save(target, model(6, 2), Map.of());
        assertEquals(6, ModelStore.load(target).network().sizes().hidden());
        try (var s = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("m")), s.toList());
        }
    }

    @Test
    void unknownVersionAndWrongShapesAreRefusedClearly() throws Exception {
        Path m = dir.resolve("m");
        ModelStore.save(m.toString(), model(5, 1), Map.of());
        Path json = m.resolve("model.json");
        String text = Files.readString(json);
        Files.writeString(json, text.replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelStore.load(m.toString()));
        assertTrue(e.getMessage().contains("format version 99"), e.getMessage());

        Files.writeString(json, text.replace("784, 5, 10", "784, 6, 10").replace("[ 784, 5, 10 ]", "[ 784, 6, 10 ]"));
        e = assertThrows(ModelFormatException.class, () -> ModelStore.load(m.toString()));
        assertTrue(e.getMessage().contains("W1.npy") && e.getMessage().contains("expected shape"), e.getMessage());
    }

    @Test
    void npyIsWhatNumpyWouldWrite() throws Exception {
        byte[] npy = NpyArrays.encode(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(0, (npy.length - 6 * 8) % 64, "header padded to 64 bytes");
        String header = new String(npy, 10, npy.length - 10 - 48, java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(header.contains("'fortran_order': True, 'shape': (2, 3)"), header);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, NpyArrays.decode(npy, "x", 2, 3));
    }
}
