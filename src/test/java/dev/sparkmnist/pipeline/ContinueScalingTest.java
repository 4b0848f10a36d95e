package dev.sparkmnist.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * A model trained on 0..1 pixels (the default before standardised inputs) is continued on its own scaling even
 * though the preset's is now {@code standard}; asking for another scaling is refused with both named.
 */
class ContinueScalingTest {
    @TempDir
    Path tmp;

    @Test
    void continuingKeepsTheModelsScaling() throws Exception {
        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 300, 60, false, 2);
        Path old = tmp.resolve("old");
        String[] common = {"--data-dir", data.toString(), "--hidden", "8", "--partitions", "2", "--iterations", "8"};
        CliRun first = CliRun.of(concat(new String[] {"train", "--out", old.toString(), "--scaling", "unit"}, common));
        assertEquals(ExitCodes.OK, first.exitCode(), first.stderr());
        assertEquals("unit", ModelStore.load(old.toString()).metadata().inputScaling().toLowerCase());

        Path next = tmp.resolve("next");
        CliRun cont = CliRun.of("train", "--data-dir", data.toString(), "--partitions", "2", "--iterations", "8",
                "--init-from", old.toString(), "--out", next.toString());
        assertEquals(ExitCodes.OK, cont.exitCode(), cont.stderr());
        assertEquals("unit", ModelStore.load(next.toString()).metadata().inputScaling().toLowerCase());

        Path refused = tmp.resolve("refused");
        CliRun wrong = CliRun.of("train", "--data-dir", data.toString(), "--partitions", "2", "--iterations", "8",
                "--init-from", old.toString(), "--out", refused.toString(), "--scaling", "standard");
        assertEquals(ExitCodes.BAD_INPUT, wrong.exitCode());
        assertTrue(wrong.stderr().contains("--scaling standard") && wrong.stderr().contains("model's unit"), wrong.stderr());
        assertFalse(Files.exists(refused), "a refused run writes no model");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
