package dev.sparkmnist.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.train.Averaging;
import dev.sparkmnist.train.Convergence;
import dev.sparkmnist.train.LearningRateSchedule;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.RunPlan;
import dev.sparkmnist.train.ScaleOut;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingState;

/**
 * A run whose phases ran with another global batch and iteration count than configured (a per-partition batch, or
 * a preset's large batch): the page's phase table shows the planned values beside the configured ones, and the
 * loss chart's phase lines sit at the planned boundaries, as {@code metrics.plan} records them ({@link RunPlan});
 * with the plan equal to the configuration, or no record (an older model), both are as before. No Spark: the
 * record is made by {@link RunPlan#of} from the real {@link ScaleOut#plan}.
 */
class PlannedRunReportTest {
    private static final List<PhaseConfig> PHASES = ReportFixtures.phases(); // 600 then 400 iterations at batch 100
    /** 200 samples per partition on 2 partitions: global batch 400, so 150 and 100 iterations. */
    private static final ScaleOut PER_PARTITION = new ScaleOut(200, Averaging.PLAIN, 0.1, 8, 0, 0);

    @Test
    void recordRoundTripsThroughModelJsonAndIsAbsentFromOlderModels() throws Exception {
        Map<String, Object> metrics = new LinkedHashMap<>();
        RunPlan plan = RunPlan.of(config(PHASES, PER_PARTITION, 2), 2);
        plan.record(metrics);
        // the rate scales with the batch as far as the global batch grew (4x, under the cap of 8x): the factor on
        // the batch-summed rate stays 1, reached after a warm-up of a tenth of the iterations
        assertEquals(List.of(new RunPlan.Phase(150, 400, 200, 1, 0.1, 15), new RunPlan.Phase(100, 400, 200, 1, 0.01,
                10)), plan.phases());
        @SuppressWarnings("unchecked")
        Map<String, Object> read = Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(metrics), Map.class);
        assertEquals(plan, RunPlan.read(read).orElseThrow(), "as model.json reads it back");
        assertTrue(RunPlan.read(Map.of("trainingSeconds", 1.0)).isEmpty(), "a model written before the record");
        assertTrue(RunPlan.read(null).isEmpty());
        assertTrue(RunPlan.read(Map.of(RunPlan.KEY, Map.of("partitions", 2, "phases", List.of(Map.of()))))
                .isEmpty(), "a record of another shape is ignored");
    }

    @Test
    void marksSitAtThePlannedBoundaries() {
        List<RunPlan.Phase> planned = RunPlan.of(config(PHASES, PER_PARTITION, 2), 2).phases();
        assertEquals(List.of(150L), iterations(LossChart.marks(PHASES, planned, List.of())),
                "phase 2 starts after phase 1's planned 150 iterations, not its configured 600");
        assertEquals(List.of(600L), iterations(LossChart.marks(PHASES, planned.subList(0, 1), List.of())),
                "a plan of another length places nothing");
        assertEquals(List.of(600L), iterations(LossChart.marks(PHASES, List.of(), List.of())), "no plan: as before");

        // A stop by --tol still places the marks by what ran (its planned counts are the plan's).
        List<Convergence.PhaseRun> stopped = Convergence.stoppedPhases(stoppedMetrics(PER_PARTITION, 1, 40));
        assertEquals(List.of(new Convergence.PhaseRun(150, 150, "completed"),
                new Convergence.PhaseRun(100, 40, "converged")), stopped);
        List<LossChart.Mark> marks = LossChart.marks(PHASES, planned, stopped);
        assertEquals(List.of(150L, 190L), iterations(marks));
        assertEquals(List.of(false, true), marks.stream().map(LossChart.Mark::stop).toList());
    }

    @Test
    void markLabelsNameTheRateThePhaseRanAt() {
        // The best preset's large batch on 8 partitions halves the batch-summed rate of every phase.
        List<PhaseConfig> two = List.of(new PhaseConfig(2048, 256, 0.0002, 0.0005, 0.9, 0,
                LearningRateSchedule.COSINE), new PhaseConfig(2048, 256, 0.0001, 0.0005, 0.9, 0,
                LearningRateSchedule.COSINE));
        ScaleOut large = new ScaleOut(0, Averaging.AUTO, 0.1, 8, 0.1, 0, new ScaleOut.LargeBatch(2048, 0.5));
        List<RunPlan.Phase> planned = RunPlan.of(config(two, large, 8), 8).phases();
        List<LossChart.Mark> marks = LossChart.marks(two, planned, List.of());
        assertEquals(List.of(256L), iterations(marks), "phase 2 starts after 2048 x 256 / 2048 steps");
        assertEquals("phase 2: lr 5.0E-5, lambda 5.0E-4", marks.get(0).label());
        assertEquals("phase 2: lr 1.0E-4, lambda 5.0E-4", LossChart.marks(two, List.of(), List.of()).get(0).label(),
                "without a plan: the configured rate");
    }

    @Test
    void lossPngIsDrawnWithThePlannedMarks() {
        RunPlan plan = RunPlan.of(config(PHASES, PER_PARTITION, 2), 2);
        Map<String, Object> metrics = new LinkedHashMap<>();
        plan.record(metrics);
        byte[] png = ReportFixtures.report(ReportFixtures.model(PHASES, metrics), PHASES).files()
                .get(RunReport.LOSS_PNG);
        assertArrayEquals(LossChart.png(PHASES, plan.phases(), List.of(), ReportFixtures.loss(), List.of(), 0), png);
        assertFalse(Arrays.equals(LossChart.png(PHASES, ReportFixtures.loss(), List.of(), 0), png),
                "the chart of the configured phases looks the same: the marks were not tested");
    }

    @Test
    void phaseTableShowsThePlannedValuesBesideTheConfigured() {
        // A continued model: an earlier run's phase first (no record of its plan), then this run's two.
        List<PhaseConfig> all = new ArrayList<>(List.of(PhaseConfig.plain(1000, 100, 0.1, 0)));
        all.addAll(PHASES);
        Map<String, Object> metrics = new LinkedHashMap<>();
        RunPlan.of(config(PHASES, PER_PARTITION, 2), 2).record(metrics);
        String html = ReportFixtures.page(ReportFixtures.model(all, metrics), PHASES);
        assertTrue(html.contains("<tr><td>1</td><td>1000</td><td>100</td>"),
                "the earlier run's phase stays as configured: " + html);
        assertTrue(html.contains("<tr><td>2</td><td>150 (configured 600)</td><td>400 = 2 \u00d7 200 (configured "
                + "100)</td><td>0.1 (warm-up 15 iterations)</td>"), html);
        assertTrue(html.contains("<tr><td>3</td><td>100 (configured 400)</td><td>400 = 2 \u00d7 200 (configured "
                + "100)</td>"), html);

        // The best preset's large batch on 8 partitions: 23,438 iterations at 256 run as 2,930 at 2,048.
        List<PhaseConfig> best = List.of(new PhaseConfig(23_438, 256, 0.0002, 0.0005, 0.9, 0,
                LearningRateSchedule.COSINE));
        ScaleOut large = new ScaleOut(0, Averaging.AUTO, 0.1, 8, 0.1, 0, new ScaleOut.LargeBatch(2048, 0.5));
        Map<String, Object> onEight = new LinkedHashMap<>();
        RunPlan.of(config(best, large, 8), 8).record(onEight);
        String bestPage = ReportFixtures.page(ReportFixtures.model(best, onEight), best);
        assertTrue(bestPage.contains("<td>2,930 (configured 23,438)</td><td>2,048 (configured 256)</td>"
                + "<td>1.0E-4 (configured 2.0E-4)</td>"), "the large batch's half rate: " + bestPage);
        assertTrue(bestPage.contains("<td>1 (auto)</td>"), "the local steps auto chose: " + bestPage);
    }

    @Test
    void aStoppedPhaseNamesItsConfiguredIterations() {
        String html = ReportFixtures.page(ReportFixtures.model(PHASES, stoppedMetrics(PER_PARTITION, 1, 40)), PHASES);
        assertTrue(html.contains("<td>150 of 150 (completed; configured 600)</td>"), html);
        assertTrue(html.contains("<td>40 of 100 (converged; configured 400)</td>"), html);
        assertTrue(html.contains("<td>400 = 2 \u00d7 200 (configured 100)</td>"), html);
    }

    @Test
    void aPlanEqualToTheConfigurationLeavesThePageAsBefore() {
        // The default preset's scale-out on 2 partitions: the batch split, every phase as configured.
        ScaleOut split = new ScaleOut(0, Averaging.AUTO, 0.1, 8, 0.1, 0);
        Map<String, Object> withPlan = new LinkedHashMap<>();
        RunPlan.of(config(PHASES, split, 2), 2).record(withPlan);
        assertTrue(withPlan.containsKey(RunPlan.KEY), "every run records its plan");
        RunReport with = ReportFixtures.report(ReportFixtures.model(PHASES, withPlan), PHASES);
        RunReport without = ReportFixtures.report(ReportFixtures.model(PHASES, new LinkedHashMap<>()), PHASES);
        assertEquals(new String(ReportHtml.render(without, List.of(RunReport.LOSS_PNG)), StandardCharsets.UTF_8),
                new String(ReportHtml.render(with, List.of(RunReport.LOSS_PNG)), StandardCharsets.UTF_8));
        assertArrayEquals(without.files().get(RunReport.LOSS_PNG), with.files().get(RunReport.LOSS_PNG));
        assertFalse(new String(with.files().get(RunReport.REPORT_HTML), StandardCharsets.UTF_8)
                .contains("configured"));

        // Local steps left to auto: the count the plan chose, whether or not the rest changed (64 / 2 partitions).
        List<PhaseConfig> auto = List.of(new PhaseConfig(600, 100, 0.1, 1e-4, 0.9, 0, LearningRateSchedule.COSINE));
        Map<String, Object> autoPlan = new LinkedHashMap<>();
        RunPlan.of(config(auto, split, 2), 2).record(autoPlan);
        String page = ReportFixtures.page(ReportFixtures.model(auto, autoPlan), auto);
        assertTrue(page.contains("<tr><td>1</td><td>600</td><td>100</td><td>0.1</td>"), page);
        assertTrue(page.contains("<td>32 (auto)</td>"), "the local steps auto chose: " + page);
        assertTrue(ReportFixtures.page(ReportFixtures.model(auto, new LinkedHashMap<>()), auto)
                .contains("<td>0</td><td class=\"k\">cosine</td>"), "an older model: the configured 0");
    }

    private static List<Long> iterations(List<LossChart.Mark> marks) {
        return marks.stream().map(LossChart.Mark::iteration).toList();
    }

    private static TrainingConfig config(List<PhaseConfig> phases, ScaleOut scaleOut, int partitions) {
        return new TrainingConfig(8, 1, InputScaling.MNIST_STANDARD, partitions, 10, phases, scaleOut);
    }

    /**
     * The metrics of a run on 2 partitions with {@code scaleOut} and its plan, stopped by the convergence check in
     * {@code phase} (0-based) after {@code done} iterations of it.
     */
    private static Map<String, Object> stoppedMetrics(ScaleOut scaleOut, int phase, long done) {
        TrainingConfig config = config(PHASES, scaleOut, 2).withTol(0.01);
        RunPlan plan = RunPlan.of(config, 2);
        long before = plan.phases().subList(0, phase).stream().mapToLong(RunPlan.Phase::iterations).sum();
        Network net = Network.initialise(new LayerSizes(4, 2, 2), 1);
        TrainingState end = new TrainingState(phase, done, before + done, net, new double[net.parameters().length],
                new double[0], new Convergence(0, 0, 3, 0.5, 0.001, true));
        Map<String, Object> metrics = new LinkedHashMap<>();
        plan.record(metrics);
        Convergence.record(metrics, Convergence.summary(config, 2, end));
        return metrics;
    }
}
