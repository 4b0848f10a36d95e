package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.IdxBytes;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * {@code train} on hostile data and settings ends with a clear one-line error naming the file or option, exit
 * code 2 (3 for divergence), and leaves nothing behind: no model directory, no checkpoints.
 */
class HostileCliTest {
    @TempDir
    Path tmp;

    private Path data() throws Exception {
        return SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 200, 40, false, 9);
    }

    private void assertRefused(int code, String expected, Path data, String... extra) throws Exception {
        Path out = tmp.resolve("model");
        List<String> args = new ArrayList<>(List.of("train", "--data-dir", data.toString(), "--out",
                out.toString(), "--hidden", "8", "--iterations", "20", "--partitions", "2",
                "--checkpoint-every", "1"));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(code, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(expected), "stderr names the problem: " + run.stderr());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(data), left.filter(p -> !p.getFileName().toString().startsWith(".")).toList(),
                    "nothing written beside the data");
        }
        try (Stream<Path> hidden = Files.list(tmp)) {
            assertEquals(0, hidden.filter(p -> p.getFileName().toString().startsWith(".")).count(),
                    "no temporaries left");
        }
    }

    @Test
    void negativeLearningRateIsRefused() throws Exception {
        assertRefused(ExitCodes.BAD_INPUT, "--lr must be a positive number, got -0.1", data(), "--lr", "-0.1");
    }

    @Test
    void nonsenseSmoothingSamplingAndNesterovAreRefused() throws Exception {
        Path data = data();
        assertRefused(ExitCodes.BAD_INPUT, "--label-smoothing must be in [0, 1), got 1.0", data,
                "--label-smoothing", "1");
        assertRefused(ExitCodes.BAD_INPUT, "--sampling must be replacement or shuffle, got 'sometimes'", data,
                "--sampling", "sometimes");
        assertRefused(ExitCodes.BAD_INPUT, "bad value for nesterov: 'maybe'", data, "--phase",
                "iterations=5,nesterov=maybe");
    }

    @Test
    void zeroBatchSizeIsRefused() throws Exception {
        assertRefused(ExitCodes.BAD_INPUT, "--batch-size must be at least 1, got 0", data(), "--batch-size", "0");
    }

    @Test
    void badCheckpointSettingIsRefused() throws Exception {
        assertRefused(ExitCodes.BAD_INPUT, "--keep-checkpoints must be at least 1", data(), "--keep-checkpoints",
                "0");
    }

    @Test
    void labelsShorterThanImagesAreRefused() throws Exception {
        Path data = data();
        Files.write(data.resolve(MnistFiles.TRAIN_LABELS), IdxBytes.labels(150, new byte[150]));
        assertRefused(ExitCodes.BAD_INPUT, "has 200 images but", data);
    }

    @Test
    void labelBeyondTheNamedClassesIsRefused() throws Exception {
        Path data = data();
        byte[] labels = new byte[200];
        labels[77] = (byte) 200; // a 201st class, where ten names are given
        Files.write(data.resolve(MnistFiles.TRAIN_LABELS), IdxBytes.labels(200, labels));
        assertRefused(ExitCodes.BAD_INPUT, "--class-names: 10 class names given, but file:" + data.resolve(
                MnistFiles.TRAIN_LABELS) + " has label 200", data, "--class-names", "a,b,c,d,e,f,g,h,i,j");
    }

    @Test
    void truncatedGzipImagesAreRefused() throws Exception {
        Path data = data();
        Path plain = data.resolve(MnistFiles.TRAIN_IMAGES);
        byte[] gz = IdxBytes.gzip(Files.readAllBytes(plain));
        Files.delete(plain);
        Files.write(data.resolve(MnistFiles.TRAIN_IMAGES + ".gz"), java.util.Arrays.copyOf(gz, gz.length - 100));
        assertRefused(ExitCodes.BAD_INPUT, MnistFiles.TRAIN_IMAGES + ".gz: ", data);
    }

    @Test
    void headerClaimingBillionsIsRefused() throws Exception {
        Path data = data();
        Files.write(data.resolve(MnistFiles.TEST_IMAGES), IdxBytes.images(-2, 28, 28, new byte[784 * 40]));
        assertRefused(ExitCodes.BAD_INPUT, "4294967294 images", data);
    }

    @Test
    void divergenceEndsWithExitCode3AndNoModel() throws Exception {
        assertRefused(ExitCodes.DIVERGED, "try a smaller learning rate", data(), "--lr", "1e30",
                "--scaling", "raw", "--momentum", "0.9", "--local-steps", "1");
    }
}
