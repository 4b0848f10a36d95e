package dev.sparkmnist.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.idx.IdxHeader;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.idx.IdxWriter;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * {@code export --format onnx} scored by ONNX Runtime: the exported model gives our own forward pass's
 * probabilities and predictions on 1,000 generated images, in batches of 1,000 and of 1, for every input scaling;
 * its interface and metadata are what the README promises; bad model directories write nothing.
 */
class OnnxExportTest {
    private static final int IMAGES = 1000;

    @TempDir
    static Path data;

    @TempDir
    Path work;

    /** 1,000 generated 28x28 images, written as an IDX file and read back as a serving client would get them. */
    private static byte[] pixels;

    @BeforeAll
    static void images() {
        byte[] labels = SyntheticDigits.labels(IMAGES, 5);
        String file = data.resolve("images-idx3-ubyte").toString();
        IdxWriter.writeImages(file, SyntheticDigits.images(labels, 28, 5), IMAGES, 28, 28, false);
        IdxHeader header = IdxReader.readHeader(file, IdxKind.IMAGES);
        pixels = IdxReader.readRecords(header, 0, IMAGES);
    }

    private Path save(SavedModel model, String name) {
        Path dir = work.resolve(name);
        ModelStore.save(dir.toString(), model, Map.of());
        return dir;
    }

    private static CliRun export(Path model, Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("export", "--model", model.toString(), "--format",
                "onnx", "--out", out.toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @ParameterizedTest
    @MethodSource("dev.sparkmnist.export.OnnxFixtures#scalings")
    void onnxRuntimeGivesOurProbabilitiesAndPredictionsAtBatch1000And1(InputScaling scaling) throws OrtException {
        SavedModel model = OnnxFixtures.randomModel(64, scaling, 11 + scaling.kind().ordinal());
        Path out = work.resolve("out/model.onnx");
        assertEquals(ExitCodes.OK, export(save(model, "m"), out).exitCode());
        double[][] ours = OnnxFixtures.probabilities(model, pixels, IMAGES);
        try (OrtScorer ort = new OrtScorer(out.toString())) {
            for (int batch : new int[] {IMAGES, 1}) {
                OrtScorer.Scores s = ort.score(pixels, IMAGES, 784, batch);
                double maxDiff = 0;
                for (int i = 0; i < IMAGES; i++) {
                    for (int k = 0; k < 10; k++) {
                        maxDiff = Math.max(maxDiff, Math.abs(s.probabilities()[i][k] - ours[i][k]));
                    }
                    assertEquals(OnnxFixtures.argmax(ours[i]), s.labels()[i], "image " + i + ", batch " + batch);
                }
                System.out.printf(Locale.ROOT, "ONNX export, %s scaling, batch %d: max |probability difference| "
                        + "%.2e over %d images, all labels equal%n", scaling, batch, maxDiff, IMAGES);
                assertTrue(maxDiff <= 1e-5, "max difference " + maxDiff);
            }
        }
        // the labels must differ between images, or the comparison above proves little
        long distinct = Stream.of(ours).mapToInt(OnnxFixtures::argmax).distinct().count();
        assertTrue(distinct >= 4, distinct + " distinct labels");
    }

    @ParameterizedTest
    @MethodSource("dev.sparkmnist.export.OnnxFixtures#scalings")
    void floatPrecisionIsHalfTheSizeAndStillAgrees(InputScaling scaling) throws OrtException, IOException {
        SavedModel model = OnnxFixtures.randomModel(64, scaling, 3);
        Path dir = save(model, "m");
        Path exact = work.resolve("double.onnx");
        Path single = work.resolve("float.onnx");
        assertEquals(ExitCodes.OK, export(dir, exact).exitCode());
        assertEquals(ExitCodes.OK, export(dir, single, "--precision", "float").exitCode());
        long d = Files.size(exact);
        long f = Files.size(single);
        assertTrue(f < 0.52 * d && f > 0.48 * d, "float " + f + " bytes, double " + d);
        double[][] ours = OnnxFixtures.probabilities(model, pixels, IMAGES);
        try (OrtScorer ort = new OrtScorer(single.toString())) {
            OrtScorer.Scores s = ort.score(pixels, IMAGES, 784, IMAGES);
            double maxDiff = 0;
            int sameLabel = 0;
            for (int i = 0; i < IMAGES; i++) {
                for (int k = 0; k < 10; k++) {
                    maxDiff = Math.max(maxDiff, Math.abs(s.probabilities()[i][k] - ours[i][k]));
                }
                sameLabel += s.labels()[i] == OnnxFixtures.argmax(ours[i]) ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "ONNX export, %s scaling, float precision: max |probability difference| "
                    + "%.2e, %d of %d labels equal, %,d bytes (double: %,d)%n", scaling, maxDiff, sameLabel, IMAGES,
                    f, d);
            // Raw pixels 0..255 make large hidden sums whose single-precision rounding reaches the output
            // (measured 2.8e-5); scaled inputs stay within the double export's bound.
            double bound = scaling.kind() == InputScaling.Kind.RAW ? 1e-4 : 1e-5;
            assertTrue(maxDiff <= bound, "max difference " + maxDiff);
            assertEquals(IMAGES, sameLabel);
        }
    }

    @Test
    void interfaceAndMetadataAreWhatTheReadmeSays() throws OrtException, IOException {
        SavedModel model = OnnxFixtures.randomModel(20, InputScaling.UNIT, 5);
        Path dir = save(model, "m");
        // class names, when model.json has them, travel into the metadata
        Path json = dir.resolve(ModelStore.MODEL_JSON);
        ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(json.toFile());
        tree.putArray(OnnxExport.CLASS_NAMES_FIELD).add("zero").add("one").add("two").add("three").add("four")
                .add("five").add("six").add("seven").add("eight").add("nine");
        Files.write(json, Json.MAPPER.writeValueAsBytes(tree));
        Path out = work.resolve("model.onnx");
        assertEquals(ExitCodes.OK, export(dir, out).exitCode());
        try (OrtScorer ort = new OrtScorer(out.toString())) {
            Map<String, NodeInfo> in = ort.session().getInputInfo();
            assertEquals(List.of(OnnxExport.INPUT), List.copyOf(in.keySet()));
            TensorInfo pixelsInfo = (TensorInfo) in.get(OnnxExport.INPUT).getInfo();
            assertEquals(OnnxJavaType.FLOAT, pixelsInfo.type);
            assertArrayEquals(new long[] {-1, 784}, pixelsInfo.getShape()); // -1: the free batch dimension
            Map<String, NodeInfo> outs = ort.session().getOutputInfo();
            assertEquals(List.of(OnnxExport.PROBABILITIES, OnnxExport.LABEL), List.copyOf(outs.keySet()));
            TensorInfo p = (TensorInfo) outs.get(OnnxExport.PROBABILITIES).getInfo();
            assertEquals(OnnxJavaType.FLOAT, p.type);
            assertArrayEquals(new long[] {-1, 10}, p.getShape());
            TensorInfo l = (TensorInfo) outs.get(OnnxExport.LABEL).getInfo();
            assertEquals(OnnxJavaType.INT64, l.type);
            assertArrayEquals(new long[] {-1}, l.getShape());

            assertEquals("spark-mnist", ort.session().getMetadata().getProducerName());
            Map<String, String> meta = ort.session().getMetadata().getCustomMetadata();
            assertEquals("spark-mnist", meta.get("program"));
            assertEquals("0.1.0", meta.get("program_version"));
            assertEquals("784-20-10", meta.get("layers"));
            assertEquals("unit", meta.get("input_scaling"));
            assertEquals(InputScaling.UNIT.factor(), Double.parseDouble(meta.get("input_factor")));
            assertEquals(model.metadata().dataSha256(), Json.MAPPER.readValue(meta.get("data_sha256"), Map.class));
            assertEquals(100, Json.MAPPER.readTree(meta.get("phases")).get(0).get("iterations").asInt());
            assertEquals(List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
                    Json.MAPPER.readValue(meta.get("class_names"), List.class));
        }
        // a model without class names has no such entry; the same model exports to the same bytes every time
        Path plain = save(model, "plain");
        Path a = work.resolve("a.onnx");
        Path b = work.resolve("b.onnx");
        assertEquals(ExitCodes.OK, export(plain, a).exitCode());
        assertEquals(ExitCodes.OK, export(plain, b).exitCode());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        try (OrtScorer ort = new OrtScorer(a.toString())) {
            assertFalse(ort.session().getMetadata().getCustomMetadata().containsKey("class_names"));
        }
    }

    @Test
    void anEarlierExportIsReplacedWholeAnyOtherFileOnlyWithOverwrite() throws IOException {
        Path out = work.resolve("model.onnx");
        Files.writeString(out, "an older file");
        Path dir = save(OnnxFixtures.randomModel(8, InputScaling.RAW, 1), "m");
        CliRun refused = export(dir, out);
        assertEquals(ExitCodes.BAD_INPUT, refused.exitCode());
        assertTrue(refused.stderr().contains("exists and was not written by export"), refused.stderr());
        assertEquals("an older file", Files.readString(out));
        assertEquals(ExitCodes.OK, CliRun.of("export", "--model", dir.toString(), "--out", out.toString(),
                "--overwrite").exitCode());
        byte[] first = Files.readAllBytes(out);
        assertTrue(first.length > 8 * 784 * 8, first.length + " bytes");
        Path other = save(OnnxFixtures.randomModel(4, InputScaling.RAW, 2), "m2");
        assertEquals(ExitCodes.OK, export(other, out).exitCode(), "an earlier export is replaced");
        assertTrue(Files.size(out) < first.length, "replaced whole by the smaller model");
        assertEquals(List.of("m", "m2", "model.onnx"), names(work).stream().sorted().toList());
    }

    @Test
    void missingOrCorruptModelGivesExitCode2AndWritesNothing() throws IOException {
        Path outDir = work.resolve("exports");
        Path out = outDir.resolve("model.onnx");

        CliRun missing = export(work.resolve("no-such-model"), out);
        assertEquals(ExitCodes.BAD_INPUT, missing.exitCode());
        assertTrue(missing.stderr().contains("no-such-model"), missing.stderr());

        Path truncated = save(OnnxFixtures.randomModel(8, InputScaling.RAW, 1), "truncated");
        Path w1 = truncated.resolve("W1.npy");
        byte[] full = Files.readAllBytes(w1);
        Files.write(w1, java.util.Arrays.copyOf(full, full.length - 8));
        CliRun t = export(truncated, out);
        assertEquals(ExitCodes.BAD_INPUT, t.exitCode());
        assertTrue(t.stderr().contains("W1.npy"), t.stderr());

        Path garbled = save(OnnxFixtures.randomModel(8, InputScaling.RAW, 1), "garbled");
        Files.write(garbled.resolve(ModelStore.MODEL_JSON), "{ not json".getBytes(StandardCharsets.UTF_8));
        CliRun g = export(garbled, out);
        assertEquals(ExitCodes.BAD_INPUT, g.exitCode());
        assertTrue(g.stderr().contains(ModelStore.MODEL_JSON), g.stderr());

        Path noW2 = save(OnnxFixtures.randomModel(8, InputScaling.RAW, 1), "no-w2");
        Files.delete(noW2.resolve("W2.npy"));
        CliRun n = export(noW2, out);
        assertEquals(ExitCodes.BAD_INPUT, n.exitCode());
        assertTrue(n.stderr().contains("W2.npy"), n.stderr());

        Path fewNames = save(OnnxFixtures.randomModel(8, InputScaling.RAW, 1), "few-names");
        Path json = fewNames.resolve(ModelStore.MODEL_JSON);
        ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(json.toFile());
        tree.putArray(OnnxExport.CLASS_NAMES_FIELD).add("cat").add("dog");
        Files.write(json, Json.MAPPER.writeValueAsBytes(tree));
        CliRun f = export(fewNames, out);
        assertEquals(ExitCodes.BAD_INPUT, f.exitCode());
        assertTrue(f.stderr().contains("classNames must hold 10 non-empty names"), f.stderr());

        assertFalse(Files.exists(outDir), "nothing may be written for a bad model");

        // an --out that is a directory, and a format we do not write, are bad input too
        Files.createDirectories(outDir);
        Path good = save(OnnxFixtures.randomModel(8, InputScaling.RAW, 1), "good");
        assertEquals(ExitCodes.BAD_INPUT, export(good, outDir).exitCode());
        assertEquals(ExitCodes.BAD_INPUT, CliRun.of("export", "--model", good.toString(), "--format", "pmml",
                "--out", out.toString()).exitCode());
        assertEquals(List.of(), names(outDir));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted(java.util.Comparator.reverseOrder()).toList();
        }
    }
}
