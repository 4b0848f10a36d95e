package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.testing.ChildJvm;

/**
 * Issue 30, case 5: a bad image found inside a Spark task, with the project's own logging configuration
 * ({@code conf/log4j2.properties}, as {@code submit.sh} runs it), gives a few lines and the cause as the last one,
 * not Spark's stack traces (about 1,850 lines before).
 */
class QuietFailureTest {
    @TempDir
    Path tmp;

    @Test
    void aCorruptImageEndsWithOneLineNotHundredsOfTraceLines() throws Exception {
        Path model = tmp.resolve("model");
        ModelMetadata meta = new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.FORMAT_VERSION,
                new int[] {784, 4, 10}, "tanh", "softmax", "unit", 1, List.of(), null, Map.of(), Map.of(), "test",
                "test", "now", ModelMetadata.WEIGHT_FILES);
        ModelStore.save(model.toString(), new SavedModel(Network.initialise(new LayerSizes(784, 4, 10), 1), meta),
                Map.of());
        Path images = Files.createDirectories(tmp.resolve("images"));
        Files.write(images.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Path log = tmp.resolve("predict.log");
        int code;
        try (ChildJvm child = ChildJvm.start(log, Map.of("spark.master", "local[1]", "spark.ui.enabled", "false",
                "log4j2.configurationFile", Path.of("conf", "log4j2.properties").toAbsolutePath().toString()),
                Map.of(), "dev.sparkmnist.cli.Main", "predict", "--model", model.toString(), "--images",
                images.toString(), "--out", tmp.resolve("out").toString())) {
            code = child.waitFor(120);
        }
        List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
        assertEquals(ExitCodes.BAD_INPUT, code, String.join("\n", lines));
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("error: ") && last.contains("broken.png"), last);
        assertTrue(lines.size() < 30, lines.size() + " lines:\n" + String.join("\n", lines));
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("\tat ")), "no stack trace lines");
    }
}
