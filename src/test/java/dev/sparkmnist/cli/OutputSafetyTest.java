package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.output.OutputClaim;
import dev.sparkmnist.train.InvalidConfigException;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * Issue 30, cases 1, 2 and 5: no command replaces what it did not write (another directory, a model directory, the
 * {@code --model} itself, a file inside a model), a rerun replaces its own output, two writers of one output
 * cannot both succeed, and output locations are checked before the work.
 */
class OutputSafetyTest {
    @TempDir
    static Path shared;
    static Path data;
    static Path model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void modelAndData() throws Exception {
        data = SyntheticDigits.writeMnistLike(Files.createDirectory(shared.resolve("data")), 60, 40, false, 4);
        model = shared.resolve("model");
        ModelMetadata meta = new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.FORMAT_VERSION,
                new int[] {784, 8, 10}, "tanh", "softmax", "unit", 1, List.of(), null, Map.of(), Map.of(), "test",
                "test", "now", ModelMetadata.WEIGHT_FILES);
        ModelStore.save(model.toString(), new SavedModel(Network.initialise(new LayerSizes(784, 8, 10), 1), meta),
                Map.of());
    }

    private static String[] predict(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--images",
                data.resolve(MnistFiles.TEST_IMAGES).toString(), "--out", out.toString()));
        args.addAll(List.of(extra));
        return args.toArray(new String[0]);
    }

    /** Case 1: predict --out never replaces another directory, a model directory or the --model itself. */
    @Test
    void predictReplacesOnlyItsOwnEarlierOutput() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(other.resolve("thesis.tex"), "years of work");
        Path otherModel = tmp.resolve("other-model");
        copy(model, otherModel);
        for (Path target : new Path[] {other, otherModel, model}) {
            Map<String, String> before = snapshot(target);
            CliRun run = CliRun.of(predict(target));
            assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), target + ": " + run.stderr());
            assertEquals(before, snapshot(target), target + " must be left as it was");
        }
        assertTrue(lastLine(CliRun.of(predict(other)).stderr()).contains("holds files predict did not write"));
        assertTrue(lastLine(CliRun.of(predict(otherModel, "--overwrite")).stderr())
                .contains("is a model directory; it is never replaced"));

        Path out = tmp.resolve("predictions");
        assertEquals(ExitCodes.OK, CliRun.of(predict(out)).exitCode());
        assertTrue(Files.exists(out.resolve(OutputClaim.MARKER)));
        assertEquals(ExitCodes.OK, CliRun.of(predict(out)).exitCode(), "a rerun replaces its own output");
        assertEquals(ExitCodes.OK, CliRun.of(predict(other, "--overwrite")).exitCode(), "--overwrite replaces");
        assertFalse(Files.exists(other.resolve("thesis.tex")));
        CliRun inside = CliRun.of(predict(model.resolve("predictions")));
        assertEquals(ExitCodes.BAD_INPUT, inside.exitCode());
        assertTrue(lastLine(inside.stderr()).contains("is inside the model directory"), inside.stderr());
        CliRun input = CliRun.of(predict(data, "--overwrite"));
        assertTrue(lastLine(input.stderr()).contains("would replace the input"), input.stderr());
        assertTrue(Files.exists(data.resolve(MnistFiles.TEST_IMAGES)));
    }

    /** Case 1: export never writes inside a model directory, nor over a file it did not write. */
    @Test
    void exportNeverWritesIntoAModelDirectory() throws Exception {
        byte[] json = Files.readAllBytes(model.resolve(ModelStore.MODEL_JSON));
        CliRun own = CliRun.of("export", "--model", model.toString(), "--out",
                model.resolve(ModelStore.MODEL_JSON).toString(), "--overwrite");
        assertEquals(ExitCodes.BAD_INPUT, own.exitCode());
        assertTrue(lastLine(own.stderr()).contains("is inside the model directory"), own.stderr());
        assertArrayEquals(json, Files.readAllBytes(model.resolve(ModelStore.MODEL_JSON)), "model.json untouched");

        Path notes = Files.writeString(tmp.resolve("notes.onnx"), "not an export");
        CliRun over = CliRun.of("export", "--model", model.toString(), "--out", notes.toString());
        assertEquals(ExitCodes.BAD_INPUT, over.exitCode());
        assertEquals("not an export", Files.readString(notes));
        Path onnx = tmp.resolve("m.onnx");
        assertEquals(ExitCodes.OK, CliRun.of("export", "--model", model.toString(), "--out", onnx.toString())
                .exitCode());
        assertEquals(ExitCodes.OK, CliRun.of("export", "--model", model.toString(), "--out", onnx.toString())
                .exitCode(), "an earlier export is replaced");
    }

    /** Case 2: of many writers claiming one output at once, exactly one wins; the others fail clearly. */
    @Test
    void concurrentWritersExactlyOneWins() throws Exception {
        Path out = tmp.resolve("contended");
        int writers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<OutputClaim>> claims = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                claims.add(pool.submit(() -> {
                    start.await();
                    return OutputClaim.directory("predict", "--out", out.toString(), false, false);
                }));
            }
            start.countDown();
            List<OutputClaim> won = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            for (Future<OutputClaim> f : claims) {
                try {
                    won.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    refused.add(e.getCause().getMessage());
                }
            }
            assertEquals(1, won.size(), "exactly one writer wins: " + refused);
            assertTrue(refused.stream().allMatch(m -> m.contains("another run is writing it: predict (pid")),
                    refused.toString());
            // While it holds the output, a predict or train to it fails at once, naming the holder.
            CliRun second = CliRun.of(predict(out));
            assertEquals(ExitCodes.BAD_INPUT, second.exitCode());
            assertTrue(lastLine(second.stderr()).contains("another run is writing it"), second.stderr());
            CliRun train = CliRun.of("train", "--data-dir", data.toString(), "--out", out.toString(), "--iterations",
                    "2", "--offline");
            assertEquals(ExitCodes.BAD_INPUT, train.exitCode());
            assertFalse(Files.exists(Path.of(out + ".checkpoints")), "the loser wrote nothing, checkpoints neither");
            won.get(0).close();
            assertEquals(ExitCodes.OK, CliRun.of(predict(out)).exitCode(), "free again once released");
        } finally {
            pool.shutdownNow();
        }
    }

    /** A lock left by a killed run on this host is removed by the next run; a live run's lock is respected. */
    @Test
    void aLockOfAProcessThatIsGoneIsTakenOver() throws Exception {
        Path out = tmp.resolve("resumed");
        Path lock = tmp.resolve(".resumed.lock");
        String host = java.net.InetAddress.getLocalHost().getHostName();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(lock, "train (pid " + gone.pid() + " on " + host + ", started 2026-01-01T00:00:00Z)");
        OutputClaim.directory("train", "--out", out.toString(), false, true).close();
        assertFalse(Files.exists(lock), "taken over and released");
        Process alive = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(lock, "train (pid " + alive.pid() + " on " + host + ", started 2026-01-01T00:00:00Z)");
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> OutputClaim.directory("train", "--out", out.toString(), false, true));
            assertTrue(e.getMessage().contains("another run is writing it: train (pid " + alive.pid()),
                    e.getMessage());
            assertTrue(Files.exists(lock), "a live run's lock stays");
        } finally {
            alive.destroyForcibly();
        }
    }

    /** Case 5: output locations are checked before the work, with one line naming the option. */
    @Test
    void outputLocationsAreCheckedBeforeTheWork() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        CliRun unwritable = CliRun.of(predict(file.resolve("sub")));
        assertEquals(ExitCodes.BAD_INPUT, unwritable.exitCode());
        assertTrue(lastLine(unwritable.stderr()).startsWith("error: --out ")
                && lastLine(unwritable.stderr()).contains(file + "/sub: cannot write there"), unwritable.stderr());
        assertFalse(unwritable.stderr().contains("SparkContext"), "refused before Spark started");

        Path dir = Files.createDirectories(tmp.resolve("metrics-dir"));
        CliRun metrics = CliRun.of("evaluate", "--model", model.toString(), "--data-dir", data.toString(),
                "--metrics-out", dir.toString());
        assertEquals(ExitCodes.BAD_INPUT, metrics.exitCode());
        assertTrue(lastLine(metrics.stderr()).contains("--metrics-out " + dir + ": is a directory"),
                metrics.stderr());
        assertFalse(metrics.stderr().contains("test accuracy"), "refused before evaluating");
        CliRun report = CliRun.of("evaluate", "--model", model.toString(), "--data-dir", data.toString(),
                "--report-dir", model.toString());
        assertEquals(ExitCodes.BAD_INPUT, report.exitCode(), "the model's own report is never replaced");

        // Train replaces its own earlier model, never --init-from or a model it did not write (without --overwrite).
        Path trained = tmp.resolve("trained");
        String[] small = {"--data-dir", data.toString(), "--hidden", "4", "--iterations", "2", "--offline"};
        assertEquals(ExitCodes.OK, CliRun.of(concat(new String[] {"train", "--out", trained.toString()}, small))
                .exitCode());
        assertEquals(ExitCodes.OK, CliRun.of(concat(new String[] {"train", "--out", trained.toString()}, small))
                .exitCode(), "a rerun of train replaces its own model");
        CliRun onParent = CliRun.of(concat(new String[] {"train", "--out", trained.toString(), "--init-from",
            trained.toString(), "--overwrite"}, small));
        assertTrue(lastLine(onParent.stderr()).contains("would replace the input"), onParent.stderr());
        Path foreign = tmp.resolve("foreign");
        copy(model, foreign);
        CliRun overForeign = CliRun.of(concat(new String[] {"train", "--out", foreign.toString()}, small));
        assertTrue(lastLine(overForeign.stderr()).contains("--overwrite"), overForeign.stderr());
    }

    /** Case 5: a saved PipelineModel's root folder is pointed to its model stage. */
    @Test
    void aPipelineFolderPointsToItsModelStage() throws Exception {
        Path pipeline = tmp.resolve("pipeline");
        copy(model, pipeline.resolve("stages").resolve("0_mnistMlp_abc"));
        Files.createDirectories(pipeline.resolve("metadata"));
        CliRun export = CliRun.of("export", "--model", pipeline.toString(), "--out", tmp.resolve("p.onnx").toString());
        assertEquals(ExitCodes.BAD_INPUT, export.exitCode());
        assertTrue(lastLine(export.stderr()).endsWith("its model is the stage " + pipeline
                + "/stages/0_mnistMlp_abc"), export.stderr());
    }

    @Test
    void aClaimIsRefusedForARegistry() throws Exception {
        Path registry = Files.createDirectories(tmp.resolve("reg").resolve("versions"));
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> OutputClaim.directory("predict",
                "--out", registry.getParent().toString(), true, false));
        assertTrue(e.getMessage().contains("is a model registry; it is never replaced"), e.getMessage());
    }

    static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        return lines[lines.length - 1];
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.toList()) {
                out.put(dir.relativize(f).toString(), Files.isDirectory(f) ? "dir"
                        : Integer.toHexString(java.util.Arrays.hashCode(Files.readAllBytes(f))));
            }
        }
        return out;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
