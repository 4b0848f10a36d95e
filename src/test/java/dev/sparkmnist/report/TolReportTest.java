package dev.sparkmnist.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.train.Convergence;
import dev.sparkmnist.train.Convergence.PhaseRun;
import dev.sparkmnist.train.ProgressLogger.LossPoint;
import dev.sparkmnist.train.RunPlan;

/**
 * A real {@code train --tol} run that the convergence check stops early: its report says what ran. Two phases of
 * 200 and 100 iterations and a tolerance no epoch can meet (a relative improvement is below 10 whenever the loss
 * stays positive) stop training at the end of phase 1's second epoch, iteration 20 (an epoch: 500 / 50), and
 * skip phase 2; {@code TolOptionTest} pins that record in {@code model.json}.
 */
class TolReportTest {
    @TempDir
    static Path tmp;
    static TrainedModel run;

    @BeforeAll
    static void train() {
        run = TrainedModel.train(tmp, 500, 50, 6, "--hidden", "8", "--batch-size", "50", "--local-steps", "1",
                "--lr", "0.002", "--momentum", "0.9", "--phase", "iterations=200", "--phase", "iterations=100",
                "--tol", "10", "--log-every", "5", "--partitions", "2");
    }

    @Test
    void phaseTableShowsTheIterationsRunAndHowEachPhaseEnded() throws Exception {
        String html = Files.readString(run.file(RunReport.REPORT_HTML), StandardCharsets.UTF_8);
        assertTrue(html.contains("<td>20 of 200 (converged)</td>"), "phase 1 ran 20 of 200: " + html);
        assertTrue(html.contains("<td>0 of 100 (skipped)</td>"), "phase 2 was skipped: " + html);
        String table = ReportFixtures.phaseTable(html);
        assertFalse(table.isEmpty() || table.contains("<td>200</td>") || table.contains("<td>100</td>"),
                "a configured count shown as if it ran: " + table);

        Path dir = run.evaluateInto(tmp.resolve("eval-report"));
        String evaluated = Files.readString(dir.resolve(RunReport.REPORT_HTML), StandardCharsets.UTF_8);
        assertTrue(evaluated.contains("<td>20 of 200 (converged)</td>")
                && evaluated.contains("<td>0 of 100 (skipped)</td>"), "evaluate's page: " + evaluated);
    }

    @Test
    void lossChartMarksTheStopAndNoSkippedPhase() throws Exception {
        ModelMetadata meta = run.metadata();
        RunReport.Curves curves = run.curves();
        List<PhaseRun> ran = Convergence.stoppedPhases(meta.metrics());
        assertEquals(List.of(new PhaseRun(200, 20, "converged"), new PhaseRun(100, 0, "skipped")), ran);

        List<RunPlan.Phase> planned = RunPlan.phasesOf(meta.metrics());
        List<LossChart.Mark> marks = LossChart.marks(curves.phases(), planned, ran);
        assertEquals(1, marks.size(), "no mark for the skipped phase 2, one for the stop: " + marks);
        assertTrue(marks.get(0).stop());
        assertEquals(20, marks.get(0).iteration());
        List<LossPoint> loss = curves.loss();
        assertEquals(20, loss.get(loss.size() - 1).iteration(), "the stop mark sits on the last loss point");

        // loss.png in the model directory is the chart with these marks, not the one of the configured phases.
        run.assertLossPngMarks(planned, ran);
    }
}
