package dev.sparkmnist.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.cli.Main;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * Retrain follows K: a version trained on 12 classes after a current one of 10 is judged by the floor alone (the
 * current model has no class for labels 10 and 11, so its accuracy on this test set means nothing), and warm-starting
 * the 10-class current version on 12-class data is refused in one line.
 */
class RetrainClassCountTest {
    @TempDir
    Path work;

    private static int retrain(Path registry, Path data, String... extra) {
        String[] base = {"retrain", "--registry", registry.toString(), "--data-dir", data.toString(), "--hidden", "8",
            "--iterations", "30", "--partitions", "2", "--min-accuracy", "0.3", "--no-onnx"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Main.run(args);
    }

    @Test
    void theGateComparesOnlyModelsOfTheSameClasses() throws Exception {
        SharedSpark.get();
        Path ten = SyntheticDigits.writeClasses(Files.createDirectory(work.resolve("ten")), 600, 120, false, 3, 10);
        Path twelve = SyntheticDigits.writeClasses(Files.createDirectory(work.resolve("twelve")), 600, 120, false, 3,
                12);
        Path reg = work.resolve("reg");
        assertEquals(ExitCodes.OK, retrain(reg, ten));
        assertEquals(ExitCodes.BAD_INPUT, retrain(reg, twelve), "a 10-class current is not continued on 12");
        assertEquals(ExitCodes.OK, retrain(reg, twelve, "--from-scratch"));
        ModelRegistry r = ModelRegistry.open(reg.toString());
        assertEquals(2, r.current());
        String reason = r.status(2).reason();
        assertTrue(reason.contains("current version 1 has 10 classes, this one 12, so they are not compared"), reason);
    }
}
