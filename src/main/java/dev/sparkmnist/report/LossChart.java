package dev.sparkmnist.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import dev.sparkmnist.eval.SampledTestAccuracy.AccuracyPoint;
import dev.sparkmnist.train.Convergence.PhaseRun;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.ProgressLogger.LossPoint;
import dev.sparkmnist.train.RunPlan;

/**
 * The training curves: mean batch loss against iteration (one colour per phase, left axis) and, when it was
 * measured, sampled test accuracy (right axis, in percent), with a dashed line where each later phase begins.
 * The lines sit where the phases began as they ran: by the iterations of the run's plan when a phase ran with
 * another batch and iteration count than configured ({@link RunPlan}), and when the convergence check
 * ({@code --tol}) stopped the run, by the iterations run, with none for a skipped phase and one more at the stop.
 */
public final class LossChart {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 500;
    private static final Color[] PHASE_COLOURS = {new Color(0x1f, 0x77, 0xb4), new Color(0x2c, 0xa0, 0x2c),
        new Color(0x94, 0x67, 0xbd), new Color(0x8c, 0x56, 0x4b), new Color(0x17, 0xbe, 0xcf)};
    private static final Color ACCURACY_COLOUR = new Color(0xd6, 0x27, 0x28);

    private LossChart() {
    }

    /**
     * A dashed line across the chart.
     *
     * @param iteration where it stands
     * @param label     what it says
     * @param stop      true for the line where the convergence check stopped training, false for a phase's start
     */
    record Mark(long iteration, String label, boolean stop) {
    }

    /** The chart for one run that ran every phase as configured. */
    public static JFreeChart chart(List<PhaseConfig> phases, List<LossPoint> loss, List<AccuracyPoint> accuracy,
                                   int sample) {
        return chart(phases, List.of(), List.of(), loss, accuracy, sample);
    }

    /**
     * The chart for one run.
     *
     * @param phases   the run's phases as configured, in order (their iteration counts place the phase marks when
     *                 neither {@code planned} nor {@code stopped} say otherwise)
     * @param planned  each of {@code phases} as it ran on the run's partitions ({@link RunPlan#phasesOf}), whose
     *                 iteration counts then place the marks; empty (or of another length) when unknown
     * @param stopped  what each of {@code phases} ran when the convergence check stopped the run
     *                 ({@link dev.sparkmnist.train.Convergence#stoppedPhases}), which then places the marks; empty
     *                 (or of another length) when every phase ran all its iterations
     * @param loss     logged loss points
     * @param accuracy sampled test accuracy points, possibly empty
     * @param sample   records in the accuracy sample, for the legend
     */
    public static JFreeChart chart(List<PhaseConfig> phases, List<RunPlan.Phase> planned, List<PhaseRun> stopped,
                                   List<LossPoint> loss, List<AccuracyPoint> accuracy, int sample) {
        XYSeriesCollection lossSeries = new XYSeriesCollection();
        XYLineAndShapeRenderer lossRenderer = new XYLineAndShapeRenderer(true, false);
        int phaseCount = Math.max(phases.size(), loss.stream().mapToInt(LossPoint::phase).max().orElse(0) + 1);
        for (int p = 0; p < phaseCount; p++) {
            XYSeries s = new XYSeries(phaseCount == 1 ? "batch loss" : "batch loss, phase " + (p + 1));
            for (LossPoint point : loss) {
                if (point.phase() == p) {
                    s.add(point.iteration(), point.loss());
                }
            }
            if (s.getItemCount() > 0) {
                lossRenderer.setSeriesPaint(lossSeries.getSeriesCount(), PHASE_COLOURS[p % PHASE_COLOURS.length]);
                lossRenderer.setSeriesStroke(lossSeries.getSeriesCount(), new BasicStroke(2f));
                lossSeries.addSeries(s);
            }
        }
        NumberAxis iterations = new NumberAxis("iteration");
        iterations.setAutoRangeIncludesZero(true);
        NumberAxis lossAxis = new NumberAxis("loss (cross-entropy + L2)");
        lossAxis.setAutoRangeIncludesZero(true);
        XYPlot plot = new XYPlot(lossSeries, iterations, lossAxis, lossRenderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));

        if (!accuracy.isEmpty()) {
            XYSeries acc = new XYSeries(String.format(Locale.ROOT,
                    "test accuracy in %% (first %,d test records, right axis)", sample));
            for (AccuracyPoint a : accuracy) {
                acc.add(a.iteration(), 100 * a.accuracy());
            }
            NumberAxis accAxis = new NumberAxis("test accuracy (%)");
            accAxis.setAutoRangeIncludesZero(false);
            double low = accuracy.stream().mapToDouble(AccuracyPoint::accuracy).min().orElse(0) * 100;
            accAxis.setRange(Math.max(0, Math.floor(low - 1)), 100);
            XYLineAndShapeRenderer accRenderer = new XYLineAndShapeRenderer(true, true);
            accRenderer.setSeriesPaint(0, ACCURACY_COLOUR);
            accRenderer.setSeriesStroke(0, new BasicStroke(1.5f));
            plot.setDataset(1, new XYSeriesCollection(acc));
            plot.setRangeAxis(1, accAxis);
            plot.setRenderer(1, accRenderer);
            plot.mapDatasetToRangeAxis(1, 1);
        }

        for (Mark mark : marks(phases, planned, stopped)) {
            ValueMarker m = new ValueMarker(mark.iteration(), Color.GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            m.setLabel(mark.label());
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            // The stop is the last point: its label goes to the left of the line, at the bottom, clear of the
            // phase labels at the top.
            m.setLabelAnchor(mark.stop() ? RectangleAnchor.BOTTOM_LEFT : RectangleAnchor.TOP_RIGHT);
            m.setLabelTextAnchor(mark.stop() ? TextAnchor.BOTTOM_RIGHT : TextAnchor.TOP_LEFT);
            plot.addDomainMarker(m);
        }
        JFreeChart chart = new JFreeChart("Training loss" + (accuracy.isEmpty() ? "" : " and test accuracy"),
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /**
     * The marks of {@link #chart}: where each later phase began, then where the convergence check stopped training.
     * A phase's length is what it ran when {@code stopped} has one entry per phase (a skipped phase began nowhere),
     * else its planned iterations when {@code planned} has one entry per phase, else its configured iterations. A
     * phase's label names the rate it ran at: the plan's when there is one, else the configured one.
     */
    static List<Mark> marks(List<PhaseConfig> phases, List<RunPlan.Phase> planned, List<PhaseRun> stopped) {
        boolean ran = !stopped.isEmpty() && stopped.size() == phases.size();
        boolean plan = planned.size() == phases.size();
        List<Mark> marks = new ArrayList<>();
        long start = 0;
        for (int p = 0; p < phases.size(); p++) {
            if (p > 0 && !(ran && stopped.get(p).run() == 0)) {
                // the rate the phase ran at: a plan's large batch may have scaled the configured one
                double rate = plan ? planned.get(p).learningRate() : phases.get(p).learningRate();
                marks.add(new Mark(start, String.format(Locale.ROOT, "phase %d: lr %s, lambda %s", p + 1,
                        compact(rate), compact(phases.get(p).lambda())), false));
            }
            start += ran ? stopped.get(p).run() : plan ? planned.get(p).iterations() : phases.get(p).iterations();
        }
        if (ran) {
            marks.add(new Mark(start, "stopped by --tol", true));
        }
        return marks;
    }

    /** The PNG of {@link #chart}, for a run that ran every phase as configured. */
    public static byte[] png(List<PhaseConfig> phases, List<LossPoint> loss, List<AccuracyPoint> accuracy,
                             int sample) {
        return png(phases, List.of(), List.of(), loss, accuracy, sample);
    }

    /** The PNG of {@link #chart(List, List, List, List, List, int)}. */
    public static byte[] png(List<PhaseConfig> phases, List<RunPlan.Phase> planned, List<PhaseRun> stopped,
                             List<LossPoint> loss, List<AccuracyPoint> accuracy, int sample) {
        Png.ensureHeadless();
        return Png.encode(chart(phases, planned, stopped, loss, accuracy, sample), WIDTH, HEIGHT);
    }

    private static String compact(double v) {
        return String.format(Locale.ROOT, "%s", (float) v);
    }
}
