package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * The command line end to end on generated data in local[2]: train reaches high accuracy on a separable set,
 * writes a complete model directory, and evaluate on the reloaded model reproduces the accuracy. Bad input gives
 * one clear error and a non-zero exit code.
 */
class TrainEvaluateEndToEndTest {
    @TempDir
    static Path data;

    @BeforeAll
    static void generate() {
        SharedSpark.get();
        SyntheticDigits.writeMnistLike(data, 3000, 600, true, 21);
    }

    @Test
    void trainThenEvaluateGivesTheSameAccuracy(@TempDir Path out) throws Exception {
        Path model = out.resolve("model");
        int code = Main.run("train", "--data-dir", data.toString(), "--out", model.toString(), "--hidden", "32",
                "--iterations", "300", "--batch-size", "64", "--local-steps", "1", "--lr", "0.002",
                "--lambda", "0.001", "--momentum", "0.5", "--log-every", "100");
        assertEquals(ExitCodes.OK, code);
        for (String f : new String[] {"model.json", "metrics.json", "W1.npy", "b1.npy", "W2.npy", "b2.npy"}) {
            assertTrue(Files.isRegularFile(model.resolve(f)), f);
        }
        try (var files = Files.list(out)) {
            assertEquals(1, files.count(), "no temporary directories left beside the model");
        }
        Map<String, Object> metrics = Json.MAPPER.readValue(model.resolve("metrics.json").toFile(),
                new TypeReference<>() { });
        double test = ((Number) metrics.get("testAccuracy")).doubleValue();
        assertTrue(test > 0.95, "test accuracy " + test);
        assertTrue(((Number) metrics.get("trainAccuracy")).doubleValue() > 0.95);

        SavedModel saved = ModelStore.load(model.toString());
        assertEquals(32, saved.network().sizes().hidden());
        assertEquals(4, saved.metadata().dataSha256().size());
        assertEquals(1, saved.metadata().phases().size());

        Path evalJson = out.resolve("eval.json");
        assertEquals(ExitCodes.OK, Main.run("evaluate", "--model", model.toString(), "--data-dir", data.toString(),
                "--metrics-out", evalJson.toString()));
        Map<String, Object> eval = Json.MAPPER.readValue(evalJson.toFile(), new TypeReference<>() { });
        assertEquals(test, ((Number) eval.get("testAccuracy")).doubleValue(), 0.0);

        // Continue the saved model with new hyperparameters, as the notebook's second phase does.
        Path continued = out.resolve("continued");
        assertEquals(ExitCodes.OK, Main.run("train", "--data-dir", data.toString(), "--out", continued.toString(),
                "--init-from", model.toString(), "--hidden", "32", "--iterations", "50", "--batch-size", "64",
                "--local-steps", "1", "--lr", "0.0005", "--lambda", "0.001"));
        SavedModel next = ModelStore.load(continued.toString());
        assertEquals(2, next.metadata().phases().size(), "lineage of phases is kept");
        assertEquals(model.toString(), next.metadata().continuedFrom());
    }

    @Test
    void nonsenseHyperparameterIsOneClearError(@TempDir Path out) {
        String err = stderrOf(() -> assertEquals(ExitCodes.BAD_INPUT, Main.run("train", "--data-dir",
                data.toString(), "--out", out.resolve("m").toString(), "--lr", "-1")));
        assertTrue(err.contains("--lr must be a positive number, got -1.0"), err);
        assertFalse(Files.exists(out.resolve("m")));
    }

    @Test
    void missingDataIsOneClearError(@TempDir Path empty) {
        String err = stderrOf(() -> assertEquals(ExitCodes.BAD_INPUT, Main.run("train", "--offline",
                "--data-dir", empty.toString(), "--out", empty.resolve("m").toString())));
        assertTrue(err.contains("train-images-idx3-ubyte"), err);
        assertFalse(Files.exists(empty.resolve("m")));
    }

    @Test
    void missingModelIsOneClearError(@TempDir Path dir) {
        String err = stderrOf(() -> assertEquals(ExitCodes.BAD_INPUT, Main.run("evaluate", "--model",
                dir.resolve("none").toString(), "--data-dir", data.toString())));
        assertTrue(err.contains("no such model directory"), err);
    }

    static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
