package dev.sparkmnist.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.testing.AllocationMeter;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * Broken or hostile model directories: wrong array shapes, an unknown format version, layer sizes that claim
 * billions of parameters, a non-numeric .npy shape. Each is refused with a {@link ModelFormatException} naming
 * the file, before a large allocation; through the command line that is exit code 2 and nothing written.
 */
class HostileModelTest {
    @TempDir
    Path tmp;

    private Path validModel(String name) {
        LayerSizes sizes = new LayerSizes(784, 8, 10);
        Network net = Network.initialise(sizes, 1);
        ModelMetadata meta = new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.FORMAT_VERSION,
                new int[] {784, 8, 10}, "tanh", "softmax", "unit", 1, List.of(), null, Map.of(), Map.of(), "test",
                "test", "now", ModelMetadata.WEIGHT_FILES);
        Path dir = tmp.resolve(name);
        ModelStore.save(dir.toString(), new SavedModel(net, meta), Map.of());
        return dir;
    }

    private static void replaceInJson(Path dir, String from, String to) throws Exception {
        Path json = dir.resolve(ModelStore.MODEL_JSON);
        String text = Files.readString(json);
        assertTrue(text.contains(from), text);
        Files.writeString(json, text.replace(from, to));
    }

    private static ModelFormatException refused(Path dir, String expected) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelStore.load(dir.toString()));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        long allocated = AllocationMeter.allocatedBy(() -> ModelStore.load(dir.toString()));
        assertTrue(allocated < 32L << 20, "refusing " + dir + " allocated " + allocated + " bytes");
        return e;
    }

    @Test
    void validModelLoads() {
        assertEquals(784 * 8 + 8 + 8 * 10 + 10, ModelStore.load(validModel("ok").toString()).network()
                .parameters().length);
    }

    @Test
    void wrongShapeIsRefused() throws Exception {
        Path dir = validModel("shape");
        Files.write(dir.resolve("W2.npy"), NpyArrays.encode(new double[8 * 9], 8, 9));
        refused(dir, "expected shape [8, 10], found [8, 9]");
    }

    /** A valid model whose model.json has {@code from} replaced by {@code to} is refused with {@code expected}. */
    private void refusedAfterEdit(String name, String from, String to, String expected) throws Exception {
        Path dir = validModel(name);
        replaceInJson(dir, from, to);
        refused(dir, expected);
    }

    @Test
    void unknownFormatVersionIsRefused() throws Exception {
        refusedAfterEdit("version", "\"formatVersion\" : 1", "\"formatVersion\" : 99",
                "format version 99 is not supported");
    }

    @Test
    void layersClaimingBillionsOfParametersAreRefusedBeforeAllocating() throws Exception {
        String layers = "\"layers\" : [ 784, 8, 10 ]";
        refusedAfterEdit("huge", layers, "\"layers\" : [ 1000000, 100000, 10 ]", "more than one array can hold");
        // 8 GB of doubles if it were allocated from the JSON alone; the W1 file is far too small for that shape.
        refusedAfterEdit("big", layers, "\"layers\" : [ 100000, 10000, 10 ]", "expected shape [100000, 10000]");
    }

    @Test
    void unusableScalingOrClassNamesAreRefused() throws Exception {
        refusedAfterEdit("kind", "\"inputScaling\" : \"unit\"", "\"inputScaling\" : \"zscore\"",
                "expected one of raw, unit or standard");
        refusedAfterEdit("factor", "\"inputTransform\" : null",
                "\"inputTransform\" : {\"factor\" : -1, \"offset\" : 0}", "positive finite factor");
        refusedAfterEdit("names", "\"classNames\" : null", "\"classNames\" : [\"a\", \"b\"]",
                "classNames must hold 10");
    }

    @Test
    void garbageNpyShapeIsRefused() throws Exception {
        Path dir = validModel("garbage");
        byte[] b = Files.readAllBytes(dir.resolve("b1.npy"));
        String text = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).replace("(8,)", "(x,)");
        Files.write(dir.resolve("b1.npy"), text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        refused(dir, "not a list of sizes");
    }

    @Test
    void evaluateAndInitFromRefuseABrokenModelWithExitCode2() throws Exception {
        Path dir = validModel("cli");
        replaceInJson(dir, "\"formatVersion\" : 1", "\"formatVersion\" : 7");
        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 60, 20, false, 1);
        CliRun eval = CliRun.of("evaluate", "--model", dir.toString(), "--data-dir", data.toString());
        assertEquals(ExitCodes.BAD_INPUT, eval.exitCode());
        assertTrue(eval.stderr().contains("format version 7"), eval.stderr());
        Path out = tmp.resolve("out");
        CliRun train = CliRun.of("train", "--init-from", dir.toString(), "--data-dir", data.toString(), "--out",
                out.toString(), "--iterations", "5");
        assertEquals(ExitCodes.BAD_INPUT, train.exitCode());
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(Path.of(out + ".checkpoints")));
    }

    /** Issue 30, case 3: a NaN or infinity in the weights is refused on load, by every command, naming the file. */
    @Test
    void nonFiniteWeightsAreRefusedNamingTheFile() throws Exception {
        Path dir = validModel("nan");
        double[] w1 = NpyArrays.decode(Files.readAllBytes(dir.resolve("W1.npy")), "W1", 784, 8);
        w1[100] = Double.NaN;
        Files.write(dir.resolve("W1.npy"), NpyArrays.encode(w1, 784, 8));
        refused(dir, "W1.npy: element 100 is NaN");
        Path inf = validModel("inf");
        Files.write(inf.resolve("b2.npy"), NpyArrays.encode(new double[] {0, 0, 0, Double.POSITIVE_INFINITY, 0, 0, 0,
            0, 0, 0}, 10));
        refused(inf, "b2.npy: element 3 is Infinity");

        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 60, 20, false, 1);
        Path onnx = tmp.resolve("m.onnx");
        Path predictions = tmp.resolve("p");
        String[][] commands = {
            {"predict", "--model", dir.toString(), "--images", data.resolve("t10k-images-idx3-ubyte").toString(),
                "--out", predictions.toString()},
            {"export", "--model", dir.toString(), "--out", onnx.toString()},
            {"evaluate", "--model", dir.toString(), "--data-dir", data.toString()}};
        for (String[] args : commands) {
            CliRun run = CliRun.of(args);
            assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), args[0] + ": " + run.stderr());
            assertTrue(run.stderr().strip().endsWith("W1.npy: element 100 is NaN; a model's weights must be finite "
                    + "numbers"), args[0] + ": " + run.stderr());
        }
        assertFalse(Files.exists(onnx) || Files.exists(predictions), "nothing written");
    }

    /** Issue 30, case 5: model.json's weightFiles is where the arrays are read from, and never outside the model. */
    @Test
    void weightFilesNamesTheArraysFiles() throws Exception {
        Path dir = validModel("moved");
        double[] expected = ModelStore.load(dir.toString()).network().parameters();
        Files.move(dir.resolve("W2.npy"), dir.resolve("W2-renamed.npy"));
        replaceInJson(dir, "\"W2\" : \"W2.npy\"", "\"W2\" : \"W2-renamed.npy\"");
        assertTrue(java.util.Arrays.equals(expected, ModelStore.load(dir.toString()).network().parameters()));
        replaceInJson(dir, "\"W2\" : \"W2-renamed.npy\"", "\"W2\" : \"../W2.npy\"");
        refused(dir, "weightFiles must name a .npy file in the model directory for W2, found '../W2.npy'");
    }
}
