package dev.sparkmnist.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.cli.Main;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.export.OnnxFixtures;
import dev.sparkmnist.export.OrtScorer;
import dev.sparkmnist.idx.IdxHeader;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/** {@code retrain} end to end on small synthetic digits in the shared local Spark context. */
class RetrainCommandTest {
    @TempDir
    static Path data;

    @TempDir
    Path work;

    @BeforeAll
    static void setUp() {
        SyntheticDigits.writeMnistLike(data, 1200, 300, false, 7);
        SharedSpark.get();
    }

    @AfterEach
    void noHook() {
        Retrainer.crashPoint = CrashPoint.NONE;
    }

    /** Runs {@code retrain} with small settings; {@code extra} options replace the defaults of the same name. */
    private int retrain(Path registry, String... extra) {
        Map<String, String> opts = new LinkedHashMap<>(Map.of("--hidden", "16", "--iterations", "20",
                "--batch-size", "64", "--partitions", "2", "--log-every", "1000", "--min-accuracy", "0.5",
                "--max-drop", "0.05"));
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < extra.length; i++) {
            if (extra[i].equals("--from-scratch") || extra[i].equals("--force") || extra[i].equals("--no-onnx")) {
                flags.add(extra[i]);
            } else {
                opts.put(extra[i], extra[++i]);
            }
        }
        List<String> args = new ArrayList<>(List.of("retrain", "--registry", registry.toString(),
                "--data-dir", data.toString()));
        opts.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        args.addAll(flags);
        return Main.run(args.toArray(String[]::new));
    }

    @Test
    void firstRunPublishesV1SecondWarmStartsV2IdenticalRunHasNothingToDo() {
        Path reg = work.resolve("reg");
        assertEquals(ExitCodes.OK, retrain(reg));
        ModelRegistry r = ModelRegistry.open(reg.toString());
        assertEquals(1, r.current());
        Lineage l1 = r.lineage(1);
        assertNull(l1.parent());
        assertEquals(VersionStatus.PUBLISHED, r.status(1).status());
        assertTrue(r.status(1).testAccuracy() >= 0.5, "accuracy " + r.status(1).testAccuracy());
        assertEquals(4, l1.dataSha256().size());
        assertTrue(l1.dataSha256().values().stream().allMatch(s -> s.matches("[0-9a-f]{64}")));
        assertNotNull(l1.gitCommit());
        assertTrue(Files.isRegularFile(reg.resolve("versions/1/metrics.json")));
        ModelStore.load(r.modelDir(1));

        assertEquals(ExitCodes.OK, retrain(reg));
        assertEquals(2, r.current());
        assertEquals(1, r.lineage(2).parent());
        assertEquals(r.modelDir(1), ModelStore.load(r.modelDir(2)).metadata().continuedFrom());

        // same data, configuration and parent as version 1: no third version
        assertEquals(ExitCodes.NOTHING_TO_DO, retrain(reg, "--from-scratch"));
        assertEquals(List.of(1, 2), r.versions());
        // --force trains anyway
        assertEquals(ExitCodes.OK, retrain(reg, "--from-scratch", "--force"));
        assertEquals(3, r.current());
        assertNull(r.lineage(3).parent());
        assertTrue(r.lineage(3).forced());
        List<String> types = r.events().stream().map(RegistryEvent::type).toList();
        assertEquals(List.of("publish", "publish", "publish"), types);
    }

    @Test
    void sabotagedRunIsKeptAsRejectedAndCurrentStays() {
        Path reg = work.resolve("reg");
        assertEquals(ExitCodes.OK, retrain(reg));
        // a learning rate this large ruins the model (diverges or saturates): kept as rejected, with the reason
        assertEquals(ExitCodes.GATE_REFUSED, retrain(reg, "--lr", "1e6"));
        ModelRegistry r = ModelRegistry.open(reg.toString());
        assertEquals(1, r.current());
        assertEquals(List.of(1, 2), r.versions());
        VersionStatus s = r.status(2);
        assertEquals(VersionStatus.REJECTED, s.status());
        assertTrue(s.reason().contains("diverged") || s.reason().contains("--min-accuracy"), s.reason());
        // a barely trained model far below the current one: rejected by the tolerance, parent still 1
        String[] weak = {"--from-scratch", "--iterations", "1", "--lr", "1e-9", "--min-accuracy", "0",
                "--max-drop", "0.01"};
        assertEquals(ExitCodes.GATE_REFUSED, retrain(reg, weak));
        assertEquals(1, r.current());
        assertEquals(VersionStatus.REJECTED, r.status(3).status());
        assertTrue(r.status(3).reason().contains("--max-drop"), r.status(3).reason());
        assertEquals(1, r.status(3).compareVersion());
        assertEquals(List.of("publish", "reject", "reject"), r.events().stream().map(RegistryEvent::type).toList());
        // the same refused run again has nothing to do
        assertEquals(ExitCodes.NOTHING_TO_DO, retrain(reg, weak));
        assertEquals(List.of(1, 2, 3), r.versions());
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging", "staged", "committed", "current-moved"})
    void crashAtAnyPointLeavesNoHalfVersionAndNextRunProceeds(String point) throws Exception {
        Path reg = work.resolve("reg-" + point);
        assertEquals(ExitCodes.OK, retrain(reg));
        Retrainer.crashPoint = p -> {
            if (p.equals(point)) {
                throw new IllegalStateException("simulated crash at " + p);
            }
        };
        assertEquals(ExitCodes.FAILURE, retrain(reg, "--seed", "9"), point);
        Retrainer.crashPoint = CrashPoint.NONE;
        ModelRegistry r = ModelRegistry.open(reg.toString());
        assertEquals(point.equals("current-moved") ? 2 : 1, r.current(), point);
        assertComplete(reg, r);
        // a real crash also leaves its lock behind: make it an expired one
        Files.writeString(reg.resolve("lock"), "{\"runId\":\"dead\",\"owner\":\"x\",\"host\":\"h\",\"pid\":1,"
                + "\"acquiredAt\":\"2020-01-01T00:00:00Z\",\"expiresAt\":\"2020-01-01T00:10:00Z\"}");

        int next = retrain(reg, "--seed", "9");
        assertComplete(reg, r);
        List<String> types = r.events().stream().map(RegistryEvent::type).toList();
        assertTrue(types.contains("break-lock"), point + ": " + types);
        try (Stream<Path> left = Files.list(reg.resolve("versions"))) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".")), point);
        }
        switch (point) {
            case "staging", "staged" -> {
                assertEquals(ExitCodes.OK, next, point);
                assertEquals(List.of(1, 2), r.versions(), point);
                assertEquals(2, r.current(), point);
            }
            case "committed" -> {
                assertEquals(ExitCodes.OK, next, point);
                assertEquals(VersionStatus.ABANDONED, r.status(2).status(), point);
                assertEquals(3, r.current(), point);
                assertEquals(1, r.lineage(3).parent(), point);
                assertTrue(types.contains("recover"), point + ": " + types);
            }
            default -> {
                // current was moved before the crash: the publish is completed, and v2 -> v3 is new work
                assertEquals(VersionStatus.PUBLISHED, r.status(2).status(), point);
                assertEquals(ExitCodes.OK, next, point);
                assertEquals(3, r.current(), point);
                assertEquals(2, r.lineage(3).parent(), point);
            }
        }
    }

    @Test
    void rollbackMovesCurrentAndIsLogged() {
        Path reg = work.resolve("reg");
        assertEquals(ExitCodes.OK, retrain(reg));
        assertEquals(ExitCodes.OK, retrain(reg));
        assertEquals(ExitCodes.GATE_REFUSED, retrain(reg, "--lr", "1e6"));
        assertEquals(ExitCodes.OK, Main.run("registry", "list", "--registry", reg.toString()));
        assertEquals(ExitCodes.BAD_INPUT, Main.run("registry", "rollback", "3", "--registry", reg.toString()));
        assertEquals(ExitCodes.BAD_INPUT, Main.run("registry", "rollback", "9", "--registry", reg.toString()));
        assertEquals(ExitCodes.OK, Main.run("registry", "rollback", "1", "--registry", reg.toString()));
        ModelRegistry r = ModelRegistry.open(reg.toString());
        assertEquals(1, r.current());
        RegistryEvent last = r.events().get(r.events().size() - 1);
        assertEquals("rollback", last.type());
        assertEquals(1, last.version());
        assertEquals(2, last.previous());
        // the next retrain continues from the rolled-back version
        assertEquals(ExitCodes.OK, retrain(reg, "--seed", "4", "--keep", "1"));
        assertEquals(4, r.current());
        assertEquals(1, r.lineage(4).parent());
        // retention: newest 1 kept, plus current (4) and its parent (1)
        assertEquals(List.of(1, 4), r.versions());
    }

    @Test
    void busyRegistryAndBadOptionsHaveTheirExitCodes() {
        Path reg = work.resolve("reg");
        ModelRegistry r = ModelRegistry.open(reg.toString());
        try (RegistryLock held = r.lock("other run", java.time.Duration.ofSeconds(60), java.time.Duration.ZERO)) {
            assertEquals(ExitCodes.REGISTRY_BUSY, retrain(reg));
            assertEquals(ExitCodes.REGISTRY_BUSY, Main.run("registry", "rollback", "1", "--registry",
                    reg.toString()));
        }
        assertEquals(List.of(), r.versions());
        assertEquals(ExitCodes.BAD_INPUT, retrain(reg, "--max-drop", "2"));
        assertEquals(ExitCodes.BAD_INPUT, retrain(reg, "--keep", "0"));
        assertEquals(ExitCodes.BAD_INPUT, retrain(reg, "--data-dir", work.resolve("nothing").toString()));
        assertNull(r.current());
        assertFalse(Files.exists(reg.resolve("lock")), "lock released after a failed run");
    }

    @Test
    void publishedVersionCarriesModelOnnxThatScoresLikeItsModelUnlessNoOnnx() throws Exception {
        Path reg = work.resolve("reg");
        assertEquals(ExitCodes.OK, retrain(reg));
        ModelRegistry r = ModelRegistry.open(reg.toString());
        assertEquals(reg.resolve("versions/1/model.onnx").toString(), r.onnxFile(1));
        assertEquals(List.of("lineage.json", "metrics.json", "model", "model.onnx", "status.json"),
                names(reg.resolve("versions/1")));
        SavedModel model = ModelStore.load(r.modelDir(1));
        IdxHeader test = IdxReader.readHeader(MnistFiles.test(data.toString()).images(), IdxKind.IMAGES);
        int n = (int) test.count();
        byte[] pixels = IdxReader.readRecords(test, 0, n);
        double[][] ours = OnnxFixtures.probabilities(model, pixels, n);
        try (OrtScorer ort = new OrtScorer(r.onnxFile(1))) {
            OrtScorer.Scores s = ort.score(pixels, n, 784, n);
            for (int i = 0; i < n; i++) {
                assertEquals(OnnxFixtures.argmax(ours[i]), s.labels()[i], "image " + i);
                for (int k = 0; k < 10; k++) {
                    assertEquals(ours[i][k], s.probabilities()[i][k], 1e-5, "image " + i + " class " + k);
                }
            }
        }
        assertEquals(ExitCodes.OK, retrain(reg, "--no-onnx"));
        assertEquals(2, r.current());
        assertFalse(Files.exists(Path.of(r.onnxFile(2))), "--no-onnx writes no model.onnx");
        assertComplete(reg, r);
    }

    private static List<String> names(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertComplete(Path reg, ModelRegistry r) {
        for (int v : r.versions()) {
            assertTrue(Files.isRegularFile(reg.resolve("versions/" + v + "/status.json")), "v" + v);
            assertTrue(Files.isRegularFile(reg.resolve("versions/" + v + "/lineage.json")), "v" + v);
            ModelStore.load(r.modelDir(v));
        }
    }
}
