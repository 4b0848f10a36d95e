package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.pipeline.Presets;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * {@code --preset best} (distortions on the executors) is accepted and its model says it was trained with them;
 * {@code --validation N} trains on all but the last N training records, evaluates the final model on exactly those
 * N, and is refused with one clear error when N is negative or leaves nothing to train on.
 */
class BestPresetValidationTest {
    private static final int TRAIN = 400;

    @TempDir
    static Path data;

    @BeforeAll
    static void generate() {
        SharedSpark.get();
        SyntheticDigits.writeMnistLike(data, TRAIN, 100, false, 13);
    }

    private static String[] train(Path out, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--data-dir", data.toString(), "--out",
                out.toString(), "--offline", "--preset", "best", "--hidden", "8", "--iterations", "8",
                "--batch-size", "16", "--local-steps", "4", "--partitions", "2", "--log-every", "100"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void bestPresetTrainsWithDistortionsAndValidationHoldsOutTheLastRecords(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("best");
        CliRun run = CliRun.of(train(model, "--validation", "50"));
        assertEquals(ExitCodes.OK, run.exitCode(), run.stderr());
        assertEquals(Presets.BEST.augmentation().toString(),
                ModelStore.load(model.toString()).metadata().augmentation(), "model.json records the distortions");
        Map<String, Object> metrics = Json.MAPPER.readValue(model.resolve("metrics.json").toFile(),
                new TypeReference<>() { });
        assertEquals(50, ((Map<?, ?>) metrics.get("validation")).get("samples"), "exactly N validation records");
        assertEquals(TRAIN - 50, ((Map<?, ?>) metrics.get("train")).get("samples"), "trained on the rest");
        assertTrue(metrics.containsKey("validationAccuracy"), metrics.keySet().toString());
    }

    @Test
    void theHeldOutRangeIsTheLastRecordsOfTheFile() {
        MnistFiles.Split split = MnistFiles.train(data.toString());
        List<ImageBlock> kept = IdxRddLoader.load(SharedSpark.get(), split, 2, 0, TRAIN - 30).blocks().collect();
        List<ImageBlock> held = IdxRddLoader.load(SharedSpark.get(), split, 2, TRAIN - 30, 30).blocks().collect();
        assertEquals(TRAIN - 30, kept.stream().mapToInt(ImageBlock::count).sum());
        ImageBlock lastKept = kept.get(kept.size() - 1);
        assertEquals(TRAIN - 30, lastKept.firstRecord() + lastKept.count(), "training stops before the held-out");
        assertEquals(TRAIN - 30, held.get(0).firstRecord());
        assertEquals(30, held.stream().mapToInt(ImageBlock::count).sum());
        byte[] file = IdxReader.readRecords(IdxReader.readHeader(split.images(), IdxKind.IMAGES), TRAIN - 30, 30);
        byte[] got = new byte[file.length];
        int at = 0;
        for (ImageBlock b : held) {
            System.arraycopy(b.pixels(), 0, got, at, b.pixels().length);
            at += b.pixels().length;
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(file, got, "the held-out blocks are the file's last records");
    }

    @Test
    void validationThatLeavesNothingToTrainOnOrIsNegativeIsRefused(@TempDir Path tmp) {
        for (String n : new String[] {String.valueOf(TRAIN), "-1"}) {
            Path out = tmp.resolve("m" + n);
            CliRun run = CliRun.of(train(out, "--validation", n));
            assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.stderr());
            assertTrue(run.stderr().contains("--validation"), run.stderr());
            assertFalse(Files.exists(out), "nothing written");
        }
    }

    @Test
    void nonsenseDistortionsAreRefusedNamingTheOption(@TempDir Path tmp) {
        CliRun run = CliRun.of(train(tmp.resolve("x"), "--augment", "rotation=ten"));
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode());
        assertTrue(run.stderr().contains("--augment"), run.stderr());
    }
}
