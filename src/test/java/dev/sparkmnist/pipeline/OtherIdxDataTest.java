package dev.sparkmnist.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.report.RunReport;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.DirectPixelStatistics;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * A user's own IDX data (here: generated digits with inverted pixels, mean far from MNIST's): a folder missing
 * one file is refused by every command and left byte for byte as it was; a complete one trains with its own
 * pixel statistics stored in the model, its class names reach the tables and the report, and the report says it
 * is not MNIST. A model written before the statistics were stored still loads with MNIST's constants, and
 * continuing it keeps them.
 */
class OtherIdxDataTest {
    private static final List<String> NAMES = List.of("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta",
            "theta", "iota", "kappa");

    @TempDir
    Path tmp;

    @Test
    void aPartialFolderOfOtherDataIsRefusedByEveryCommandAndLeftUntouched() throws Exception {
        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("partial")), 120, 30, false, 3);
        Files.delete(data.resolve(MnistFiles.TEST_LABELS));
        Map<String, String> before = snapshot(data);
        String[][] commands = {
            {"train", "--data-dir", data.toString(), "--out", tmp.resolve("m").toString(), "--iterations", "2"},
            {"retrain", "--data-dir", data.toString(), "--registry", tmp.resolve("reg").toString()},
            {"show", "--data-dir", data.toString(), "--split", "test", "--out", tmp.resolve("g.png").toString()}};
        for (String[] args : commands) {
            CliRun run = CliRun.of(args);
            assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), args[0] + ": " + run.stderr());
            assertTrue(run.stderr().contains(MnistFiles.TEST_LABELS) && run.stderr().contains("other data"),
                    args[0] + " must name the missing file and say the folder holds other data: " + run.stderr());
            assertEquals(before, snapshot(data), args[0] + " changed the data folder");
        }
        assertFalse(Files.exists(tmp.resolve("m")) || Files.exists(tmp.resolve("g.png")), "nothing written");
    }

    @Test
    void otherDataTrainsWithItsOwnStatisticsAndClassNames() throws Exception {
        Path data = SyntheticDigits.invertImages(
                SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("inv")), 300, 60, false, 2));
        Files.write(data.resolve("classes.txt"), String.join("\n", NAMES).concat("\n").getBytes());
        Path model = tmp.resolve("model");
        String[] small = {"--data-dir", data.toString(), "--hidden", "8", "--partitions", "2", "--iterations", "8"};
        CliRun train = CliRun.of(concat(new String[] {"train", "--out", model.toString()}, small));
        assertEquals(ExitCodes.OK, train.exitCode(), train.stderr());

        ModelMetadata meta = ModelStore.load(model.toString()).metadata();
        DirectPixelStatistics direct = DirectPixelStatistics.ofTrainingSet(data);
        assertEquals("standard", meta.inputScaling());
        assertEquals(direct.mean(), meta.inputTransform().pixelMean(), 1e-9);
        assertEquals(direct.std(), meta.inputTransform().pixelStd(), 1e-9);
        assertEquals(1 / direct.std(), meta.scaling().factor(), 1e-12);
        assertEquals(NAMES, meta.classNames());

        String html = Files.readString(model.resolve(RunReport.REPORT_HTML));
        for (String name : NAMES) {
            assertTrue(html.contains(">" + name + "<"), "report lacks class name " + name);
        }
        assertTrue(html.contains("other IDX data") && html.contains(data.toString()), "report must name its data");
        assertFalse(html.contains("test digits"), "other data are not digits");
        assertTrue(Files.exists(model.resolve(RunReport.SAMPLES_PNG)), "sample grid of training images");

        // A model as written before the statistics were stored: standard, no values, no names.
        Path old = tmp.resolve("old");
        Files.createDirectory(old);
        try (Stream<Path> files = Files.list(model)) {
            for (Path f : files.toList()) {
                Files.copy(f, old.resolve(f.getFileName()));
            }
        }
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(old.resolve(ModelStore.MODEL_JSON).toFile());
        json.remove(List.of("inputTransform", "classNames", "dataDir"));
        Json.MAPPER.writeValue(old.resolve(ModelStore.MODEL_JSON).toFile(), json);
        ModelMetadata oldMeta = ModelStore.load(old.toString()).metadata();
        assertEquals(InputScaling.MNIST_STANDARD, oldMeta.scaling(), "an old standard model keeps MNIST's constants");
        CliRun eval = CliRun.of("evaluate", "--model", old.toString(), "--data-dir", data.toString());
        assertEquals(ExitCodes.OK, eval.exitCode(), eval.stderr());

        Path next = tmp.resolve("next");
        CliRun cont = CliRun.of(concat(new String[] {"train", "--init-from", old.toString(), "--out", next.toString(),
            "--class-names", "a,b,c,d,e,f,g,h,i,j"}, small));
        assertEquals(ExitCodes.OK, cont.exitCode(), cont.stderr());
        ModelMetadata nextMeta = ModelStore.load(next.toString()).metadata();
        assertEquals(InputScaling.MNIST_STANDARD, nextMeta.scaling(), "continuing keeps the model's values");
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), nextMeta.classNames());

        CliRun badNames = CliRun.of(concat(new String[] {"train", "--out", tmp.resolve("x").toString(),
            "--class-names", "a,b"}, small));
        assertEquals(ExitCodes.BAD_INPUT, badNames.exitCode());
        assertTrue(badNames.stderr().contains("--class-names: 2 class names"), badNames.stderr());
        CliRun badScaling = CliRun.of(concat(new String[] {"train", "--scaling", "zscore"}, small));
        assertEquals(ExitCodes.BAD_INPUT, badScaling.exitCode());
        assertTrue(badScaling.stderr().contains("raw, unit or standard"), badScaling.stderr());
    }

    /** Every file under {@code dir} (hidden ones too) with a hash of its bytes. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.toList()) {
                out.put(dir.relativize(f).toString(), Files.isDirectory(f) ? "dir"
                        : java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(readAll(f))));
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static byte[] readAll(Path f) throws IOException {
        return Files.readAllBytes(f);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
