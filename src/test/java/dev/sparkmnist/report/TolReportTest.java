package dev.sparkmnist.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.cli.Main;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;
import dev.sparkmnist.train.Convergence;
import dev.sparkmnist.train.Convergence.PhaseRun;
import dev.sparkmnist.train.ProgressLogger.LossPoint;

/**
 * A real {@code train --tol} run that the convergence check stops early: its report says what ran. Two phases of
 * 200 and 100 iterations and a tolerance no epoch can meet (a relative improvement is below 10 whenever the loss
 * stays positive) stop training at the end of phase 1's second epoch, iteration 20 (an epoch: 500 / 50), and
 * skip phase 2; {@code TolOptionTest} pins that record in {@code model.json}.
 */
class TolReportTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path data;

    @BeforeAll
    static void train() {
        SharedSpark.get();
        data = SyntheticDigits.writeMnistLike(tmp.resolve("data"), 500, 50, false, 6);
        model = tmp.resolve("models/m");
        assertEquals(ExitCodes.OK, Main.run("train", "--data-dir", data.toString(), "--out", model.toString(),
                "--hidden", "8", "--batch-size", "50", "--local-steps", "1", "--lr", "0.002", "--momentum", "0.9",
                "--phase", "iterations=200", "--phase", "iterations=100", "--tol", "10", "--log-every", "5",
                "--partitions", "2"));
    }

    @Test
    void phaseTableShowsTheIterationsRunAndHowEachPhaseEnded() throws Exception {
        String html = Files.readString(model.resolve(RunReport.REPORT_HTML), StandardCharsets.UTF_8);
        assertTrue(html.contains("<td>20 of 200 (converged)</td>"), "phase 1 ran 20 of 200: " + html);
        assertTrue(html.contains("<td>0 of 100 (skipped)</td>"), "phase 2 was skipped: " + html);
        assertFalse(html.contains("<td>200</td>") || html.contains("<td>100</td>"),
                "a configured count shown as if it ran: " + html);

        Path dir = tmp.resolve("eval-report");
        assertEquals(ExitCodes.OK, Main.run("evaluate", "--data-dir", data.toString(), "--model", model.toString(),
                "--report-dir", dir.toString(), "--partitions", "2"));
        String evaluated = Files.readString(dir.resolve(RunReport.REPORT_HTML), StandardCharsets.UTF_8);
        assertTrue(evaluated.contains("<td>20 of 200 (converged)</td>")
                && evaluated.contains("<td>0 of 100 (skipped)</td>"), "evaluate's page: " + evaluated);
        assertArrayEquals(Files.readAllBytes(model.resolve(RunReport.LOSS_PNG)),
                Files.readAllBytes(dir.resolve(RunReport.LOSS_PNG)), "evaluate redraws the training's loss chart");
    }

    @Test
    void lossChartMarksTheStopAndNoSkippedPhase() throws Exception {
        ModelMetadata meta = ModelStore.load(model.toString()).metadata();
        RunReport.Curves curves = Json.MAPPER.readValue(model.resolve(RunReport.CURVES_JSON).toFile(),
                RunReport.Curves.class);
        List<PhaseRun> ran = Convergence.stoppedPhases(meta.metrics());
        assertEquals(List.of(new PhaseRun(200, 20, "converged"), new PhaseRun(100, 0, "skipped")), ran);

        List<LossChart.Mark> marks = LossChart.marks(curves.phases(), ran);
        assertEquals(1, marks.size(), "no mark for the skipped phase 2, one for the stop: " + marks);
        assertTrue(marks.get(0).stop());
        assertEquals(20, marks.get(0).iteration());
        List<LossPoint> loss = curves.loss();
        assertEquals(20, loss.get(loss.size() - 1).iteration(), "the stop mark sits on the last loss point");

        // loss.png in the model directory is the chart with these marks, not the one of the configured phases.
        byte[] onDisk = Files.readAllBytes(model.resolve(RunReport.LOSS_PNG));
        assertArrayEquals(LossChart.png(curves.phases(), ran, loss, curves.accuracy(), curves.accuracySample()),
                onDisk, "loss.png was not drawn with the marks of what ran");
        assertFalse(Arrays.equals(LossChart.png(curves.phases(), loss, curves.accuracy(), curves.accuracySample()),
                onDisk), "the chart of the configured phases looks the same: the marks were not tested");
    }
}
