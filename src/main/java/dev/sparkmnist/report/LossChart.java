package dev.sparkmnist.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
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
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.ProgressLogger.LossPoint;

/**
 * The training curves: mean batch loss against iteration (one colour per phase, left axis) and, when it was
 * measured, sampled test accuracy (right axis, in percent), with a dashed line where each later phase begins.
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
     * The chart for one run.
     *
     * @param phases   the run's phases, in order (their iteration counts place the phase marks)
     * @param loss     logged loss points
     * @param accuracy sampled test accuracy points, possibly empty
     * @param sample   records in the accuracy sample, for the legend
     */
    public static JFreeChart chart(List<PhaseConfig> phases, List<LossPoint> loss, List<AccuracyPoint> accuracy,
                                   int sample) {
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

        long start = 0;
        for (int p = 0; p < phases.size(); p++) {
            if (p > 0) {
                ValueMarker m = new ValueMarker(start, Color.GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
                m.setLabel(String.format(Locale.ROOT, "phase %d: lr %s, lambda %s", p + 1,
                        compact(phases.get(p).learningRate()), compact(phases.get(p).lambda())));
                m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
                m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                plot.addDomainMarker(m);
            }
            start += phases.get(p).iterations();
        }
        JFreeChart chart = new JFreeChart("Training loss" + (accuracy.isEmpty() ? "" : " and test accuracy"),
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** The PNG of {@link #chart}. */
    public static byte[] png(List<PhaseConfig> phases, List<LossPoint> loss, List<AccuracyPoint> accuracy,
                             int sample) {
        Png.ensureHeadless();
        return Png.encode(chart(phases, loss, accuracy, sample), WIDTH, HEIGHT);
    }

    private static String compact(double v) {
        return String.format(Locale.ROOT, "%s", (float) v);
    }
}
