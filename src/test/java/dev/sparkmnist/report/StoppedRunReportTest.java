package dev.sparkmnist.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.ui.Layer;
import org.junit.jupiter.api.Test;

import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.train.Convergence;
import dev.sparkmnist.train.Convergence.PhaseRun;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingState;

/**
 * A run the convergence check ({@code --tol}) stopped: the page's phase table and the loss chart's phase marks
 * say what ran, as {@code metrics.convergence} records it, not what was configured; without a stop they are as
 * before. No Spark: the record is made by {@link Convergence#summary} from a made-up end state.
 */
class StoppedRunReportTest {
    private static final List<PhaseConfig> PHASES = ReportFixtures.phases(); // 600 then 400 iterations

    @Test
    void marksSitWhereThePhasesRanAndTheStop() {
        assertEquals(List.of(600L), iterations(LossChart.marks(PHASES, List.of(), List.of())),
                "no stop: phase 2 starts after phase 1's configured 600");

        List<LossChart.Mark> inTwo = LossChart.marks(PHASES, List.of(),
                List.of(new PhaseRun(600, 600, "completed"), new PhaseRun(400, 150, "converged")));
        assertEquals(List.of(600L, 750L), iterations(inTwo));
        assertEquals(List.of(false, true), inTwo.stream().map(LossChart.Mark::stop).toList());

        List<LossChart.Mark> inOne = LossChart.marks(PHASES, List.of(),
                List.of(new PhaseRun(600, 300, "converged"), new PhaseRun(400, 0, "skipped")));
        assertEquals(List.of(300L), iterations(inOne), "phase 2 never started: only the stop at 300");
        assertTrue(inOne.get(0).stop());

        // Iterations as they ran (here a larger global batch halved them), not the configured counts.
        assertEquals(List.of(300L, 350L), iterations(LossChart.marks(PHASES, List.of(), List.of(
                new PhaseRun(300, 300, "completed"), new PhaseRun(200, 50, "converged")))));
    }

    @Test
    void theChartDrawsTheMarksOfWhatRan() {
        List<PhaseRun> stopped = Convergence.stoppedPhases(stoppedMetrics(PHASES, 1, 150));
        var plot = LossChart.chart(PHASES, List.of(), stopped, ReportFixtures.loss(), List.of(), 0).getXYPlot();
        List<Double> at = new ArrayList<>();
        for (Object m : plot.getDomainMarkers(Layer.FOREGROUND)) {
            at.add(((ValueMarker) (Marker) m).getValue());
        }
        assertEquals(List.of(600.0, 750.0), at);
        var plain = LossChart.chart(PHASES, ReportFixtures.loss(), List.of(), 0).getXYPlot();
        assertEquals(600.0, ((ValueMarker) plain.getDomainMarkers(Layer.FOREGROUND).iterator().next()).getValue());
    }

    @Test
    void phaseTableShowsIterationsRunOfPlanned() {
        // A continued model: an earlier run's phase first, then this run's two; the check stopped phase 2 of 2.
        List<PhaseConfig> all = new ArrayList<>(List.of(PhaseConfig.plain(1000, 100, 0.1, 0)));
        all.addAll(PHASES);
        String html = ReportFixtures.page(ReportFixtures.model(all, stoppedMetrics(PHASES, 1, 150)), PHASES);
        assertTrue(html.contains("<td>1000</td>"), "the earlier run's phase stays as configured: " + html);
        assertTrue(html.contains("<td>600 of 600 (completed)</td>"), html);
        assertTrue(html.contains("<td>150 of 400 (converged)</td>"), html);
        assertFalse(html.contains("<td>400</td>"), "the stopped phase's configured count alone: " + html);
        assertTrue(html.contains("stopped training"), "the caption names the stop mark");

        String inOne = ReportFixtures.page(ReportFixtures.model(PHASES, stoppedMetrics(PHASES, 0, 300)), PHASES);
        assertTrue(inOne.contains("<td>300 of 600 (converged)</td>"), inOne);
        assertTrue(inOne.contains("<td>0 of 400 (skipped)</td>"), inOne);
    }

    @Test
    void withoutAStopThePageIsAsBefore() {
        Map<String, Object> ranAll = new LinkedHashMap<>();
        Network net = Network.initialise(new LayerSizes(4, 2, 2), 1);
        Convergence.record(ranAll, Convergence.summary(config(PHASES), 2, new TrainingState(2, 0, 1000, net,
                new double[net.parameters().length])));
        assertTrue(ranAll.containsKey("convergence"), "a tolerance that never stopped the run is recorded");
        assertEquals(List.of(), Convergence.stoppedPhases(ranAll));
        String withRecord = ReportFixtures.page(ReportFixtures.model(PHASES, ranAll), PHASES);
        String without = ReportFixtures.page(ReportFixtures.model(PHASES, new LinkedHashMap<>()), PHASES);
        assertEquals(without, withRecord);
        assertTrue(without.contains("<td>600</td>") && without.contains("<td>400</td>"), without);
        assertFalse(without.contains("(completed)"), without);
    }

    private static List<Long> iterations(List<LossChart.Mark> marks) {
        return marks.stream().map(LossChart.Mark::iteration).toList();
    }

    private static TrainingConfig config(List<PhaseConfig> phases) {
        return new TrainingConfig(8, 1, InputScaling.MNIST_STANDARD, 2, 10, phases).withTol(0.01);
    }

    /** A run's metrics with the check's record of a stop in {@code phase} (0-based) after {@code done} of it. */
    private static Map<String, Object> stoppedMetrics(List<PhaseConfig> phases, int phase, long done) {
        Network net = Network.initialise(new LayerSizes(4, 2, 2), 1);
        long before = phases.subList(0, phase).stream().mapToLong(PhaseConfig::iterations).sum();
        TrainingState end = new TrainingState(phase, done, before + done, net, new double[net.parameters().length],
                new double[0], new Convergence(0, 0, 3, 0.5, 0.001, true));
        Map<String, Object> metrics = new LinkedHashMap<>();
        Convergence.record(metrics, Convergence.summary(config(phases), 2, end));
        return metrics;
    }
}
