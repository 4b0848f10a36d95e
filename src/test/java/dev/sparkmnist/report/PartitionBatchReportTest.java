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

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.ProgressLogger.LossPoint;
import dev.sparkmnist.train.RunPlan;

/**
 * A real {@code train --partition-batch} run whose phases run with another batch and iteration count than
 * configured: two phases of 80 and 40 iterations at a (reference) batch of 20, with 40 samples per partition on 2
 * partitions, run at a global batch of 80 in 20 and 10 iterations (the same samples). {@code model.json} records
 * that plan, and the report (the training's and {@code evaluate --report-dir}'s) shows it: the phase table's
 * planned iterations and batch, and loss.png's phase line at iteration 20, where phase 2's points begin, not at the
 * configured 80, past every point.
 */
class PartitionBatchReportTest {
    @TempDir
    static Path tmp;
    static TrainedModel run;

    @BeforeAll
    static void train() {
        run = TrainedModel.train(tmp, 400, 50, 8, "--hidden", "8", "--batch-size", "20", "--partition-batch", "40",
                "--local-steps", "2", "--lr", "0.001", "--phase", "iterations=80", "--phase", "iterations=40",
                "--log-every", "2", "--partitions", "2");
    }

    @Test
    void modelJsonRecordsThePlan() throws Exception {
        JsonNode plan = Json.MAPPER.readTree(run.file("model.json").toFile()).get("metrics").get(RunPlan.KEY);
        assertEquals(Json.MAPPER.readTree("{\"partitions\": 2, \"phases\": ["
                + "{\"iterations\": 20, \"globalBatch\": 80, \"partitionBatch\": 40, \"localSteps\": 2, "
                + "\"learningRate\": 0.001, \"warmupIterations\": 2},"
                + "{\"iterations\": 10, \"globalBatch\": 80, \"partitionBatch\": 40, \"localSteps\": 2, "
                + "\"learningRate\": 0.001, \"warmupIterations\": 1}]}"), plan);
        ModelMetadata meta = run.metadata();
        assertEquals(List.of(80L, 40L), meta.phases().stream().map(PhaseConfig::iterations).toList(),
                "model.json's phases stay as configured");
        assertFalse(meta.metrics().containsKey("convergence"), "no --tol, no convergence record");
    }

    @Test
    void phaseTableShowsThePlannedIterationsAndBatch() throws Exception {
        Path dir = run.evaluateInto(tmp.resolve("eval-report"));
        for (Path page : List.of(run.file(RunReport.REPORT_HTML), dir.resolve(RunReport.REPORT_HTML))) {
            String html = Files.readString(page, StandardCharsets.UTF_8);
            assertTrue(html.contains("<tr><td>1</td><td>20 (configured 80)</td><td>80 = 2 \u00d7 40 (configured "
                    + "20)</td><td>0.001 (warm-up 2 iterations)</td>"), page + ": " + html);
            assertTrue(html.contains("<tr><td>2</td><td>10 (configured 40)</td><td>80 = 2 \u00d7 40 (configured "
                    + "20)</td>"), page + ": " + html);
            String table = ReportFixtures.phaseTable(html);
            assertFalse(table.isEmpty() || table.contains("<td>80</td>") || table.contains("<td>40</td>"),
                    "a configured count shown as if it ran: " + table);
        }
    }

    @Test
    void lossChartMarksThePlannedPhaseStart() throws Exception {
        RunReport.Curves curves = run.curves();
        List<RunPlan.Phase> planned = RunPlan.phasesOf(run.metadata().metrics());
        List<LossChart.Mark> marks = LossChart.marks(curves.phases(), planned, List.of());
        assertEquals(List.of(20L), marks.stream().map(LossChart.Mark::iteration).toList());

        List<LossPoint> loss = curves.loss();
        assertEquals(30, loss.get(loss.size() - 1).iteration(), "the run ran 20 + 10 iterations");
        long lastOfPhase1 = loss.stream().filter(p -> p.phase() == 0).mapToLong(LossPoint::iteration).max()
                .orElseThrow();
        long firstOfPhase2 = loss.stream().filter(p -> p.phase() == 1).mapToLong(LossPoint::iteration).min()
                .orElseThrow();
        assertEquals(20, lastOfPhase1, "phase 1's points end at the mark");
        assertTrue(firstOfPhase2 > 20, "phase 2's points begin after the mark: " + loss);

        run.assertLossPngMarks(planned, List.of());
    }
}
