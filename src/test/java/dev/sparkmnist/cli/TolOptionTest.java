package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.SyntheticDigits;
import dev.sparkmnist.train.Convergence;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingState;

/**
 * {@code --tol} on the command line: a bad value ends with exit code 2 and a line naming the option, before any
 * data is read; 0 (the default) trains every iteration; a tolerance stops {@code train} early and {@code model.json}
 * says where and what each phase ran, for a committee per member.
 */
class TolOptionTest {
    @TempDir
    Path tmp;

    private List<String> train(Path data, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data-dir", data.toString(), "--out", out.toString(),
                "--hidden", "8", "--partitions", "2", "--iterations", "200", "--batch-size", "50",
                "--local-steps", "1", "--lr", "0.002", "--momentum", "0.9"));
        a.addAll(List.of(extra));
        return a;
    }

    /**
     * A value that is no number is picocli's parse error, the two lines of {@link BadOptionTest}; a number out of
     * range is the configuration's one line, as for {@code --lr -1}. Either way before the (missing) data is read.
     */
    @ParameterizedTest(name = "--tol {0}")
    @CsvSource({"-1, -1.0, 1", "NaN, NaN, 1", "Infinity, Infinity, 1", "abc, abc, 2", "1e-3x, 1e-3x, 2"})
    void badValuesAreRefusedNamingTheOption(String value, String shown, int lineCount) {
        Path out = tmp.resolve("model");
        CliRun run = CliRun.of(train(tmp.resolve("no-data"), out, "--tol", value).toArray(String[]::new));
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.stderr());
        List<String> lines = run.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(lineCount, lines.size(), run.stderr());
        assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains("--tol"),
                "names the option: " + lines.get(0));
        assertTrue(lines.get(0).contains(shown), "and the value: " + lines.get(0));
        if (lineCount == 2) {
            assertEquals("see: train --help", lines.get(1));
        }
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(tmp.resolve("no-data")), "refused before fetching the missing data");
    }

    @Test
    void zeroRunsEveryIterationAndAToleranceStopsEarly() throws Exception {
        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 500, 50, false, 6);
        Path off = tmp.resolve("off");
        CliRun plain = CliRun.of(train(data, off, "--tol", "0").toArray(String[]::new));
        assertEquals(ExitCodes.OK, plain.exitCode(), plain.stderr());
        assertFalse(ModelStore.load(off.toString()).metadata().metrics().containsKey("convergence"),
                "tol 0 records nothing: the run is one without a tolerance");

        Path on = tmp.resolve("on");
        CliRun early = CliRun.of(train(data, on, "--tol", "0.05").toArray(String[]::new));
        assertEquals(ExitCodes.OK, early.exitCode(), early.stderr());
        Map<?, ?> c = (Map<?, ?>) ModelStore.load(on.toString()).metadata().metrics().get("convergence");
        assertEquals(true, c.get("converged"), String.valueOf(c));
        assertEquals(0.05, ((Number) c.get("tol")).doubleValue(), 0);
        long stop = ((Number) c.get("iteration")).longValue();
        long epoch = ((Number) c.get("epoch")).longValue();
        assertTrue(epoch >= 2, "the first epoch is never compared: " + c);
        assertEquals(epoch * 10, stop, "an epoch is 500 / 50 = 10 one-step rounds, and it stops at one's end");
        assertTrue(((Number) c.get("relativeImprovement")).doubleValue() < 0.05, String.valueOf(c));
    }

    /** What ran under {@link #twoPhases}: the first phase's first two epochs, none of the second phase. */
    private static final List<Map<String, Object>> STOPPED_IN_PHASE_ONE = List.of(
            Map.of("iterationsPlanned", 200, "iterationsRun", 20, "end", "converged"),
            Map.of("iterationsPlanned", 100, "iterationsRun", 0, "end", "skipped"));

    /**
     * Two phases and a tolerance no epoch can meet (a relative improvement is below 10 whenever the loss stays
     * positive): training stops at the end of the first phase's second epoch, iteration 20 (an epoch: 500 / 50).
     */
    private List<String> twoPhases() throws java.io.IOException {
        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 500, 50, false, 6);
        return List.of("--data-dir", data.toString(), "--hidden", "8", "--batch-size", "50", "--local-steps", "1",
                "--lr", "0.002", "--momentum", "0.9", "--phase", "iterations=200", "--phase", "iterations=100",
                "--tol", "10");
    }

    @Test
    void modelJsonSaysWhatEachPhaseRan() throws Exception {
        Path single = tmp.resolve("single");
        CliRun run = CliRun.of(args(twoPhases(), "train", "--out", single.toString(), "--partitions", "2"));
        assertEquals(ExitCodes.OK, run.exitCode(), run.stderr());
        Map<?, ?> c = (Map<?, ?>) ModelStore.load(single.toString()).metadata().metrics().get("convergence");
        assertEquals(20, ((Number) c.get("iteration")).intValue(), String.valueOf(c));
        assertEquals(STOPPED_IN_PHASE_ONE, c.get("phases"));
    }

    @Test
    void aCommitteeRecordsEachMembersStopInItsModelJsonAndTheCommittees() throws Exception {
        Path committee = tmp.resolve("committee");
        CliRun run = CliRun.of(args(twoPhases(), "train", "--out", committee.toString(), "--preset", "default",
                "--committee", "2"));
        assertEquals(ExitCodes.OK, run.exitCode(), run.stderr());
        JsonNode entries = Json.MAPPER.readTree(committee.resolve("model.json").toFile()).get("committee")
                .get("members");
        assertEquals(2, entries.size());
        for (int i = 0; i < 2; i++) {
            Map<?, ?> own = (Map<?, ?>) ModelStore.load(committee.resolve("member-" + i).toString()).metadata()
                    .metrics().get("convergence");
            assertEquals(true, own.get("converged"), "member " + i + ": " + own);
            assertEquals(20, ((Number) own.get("iteration")).intValue(), "member " + i + ": " + own);
            assertEquals(STOPPED_IN_PHASE_ONE, own.get("phases"), "member " + i);
            assertEquals(Json.MAPPER.valueToTree(own), entries.get(i).get("convergence"),
                    "the committee's entry of member " + i + " carries the same record");
        }
    }

    @Test
    void theSummaryLineNamesTheStopNotThePlannedPhases() {
        PhaseConfig phase = PhaseConfig.plain(100, 50, 0.001, 0);
        TrainingConfig config = new TrainingConfig(8, 1, InputScaling.MNIST_STANDARD, 2, 10, List.of(phase, phase));
        Network net = Network.initialise(new LayerSizes(4, 2, 2), 1);
        assertEquals("2 phase(s)", TrainCommand.phasesRun(config, new TrainingState(2, 0, 200, net, new double[0])));
        assertEquals("stopped by --tol in phase 1 of 2 at iteration 30", TrainCommand.phasesRun(config,
                new TrainingState(0, 30, 30, net, new double[0], new double[0],
                        new Convergence(0, 0, 3, 1, 0.001, true))));
    }

    /** {@code first}, then {@code common}. */
    private static String[] args(List<String> common, String... first) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(common);
        return all.toArray(String[]::new);
    }
}
