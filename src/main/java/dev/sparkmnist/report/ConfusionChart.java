package dev.sparkmnist.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYZDataset;

import dev.sparkmnist.data.ClassNames;
import dev.sparkmnist.eval.ConfusionMatrix;

/**
 * The confusion matrix as a heatmap with the count written in every cell: rows are the true class (the first at
 * the top), columns the predicted class, both labelled with the class names. Colour follows the share of the true
 * class's samples, on a square-root scale, so the diagonal is dark and the few mistakes still show; a legend
 * beside the matrix gives the scale.
 */
public final class ConfusionChart {
    /** Size of the PNG. */
    public static final int WIDTH = 720;
    public static final int HEIGHT = 680;
    /** Most classes whose cells carry their counts; beyond, the colours alone show the matrix. */
    static final int MAX_ANNOTATED = 30;

    private ConfusionChart() {
    }

    /**
     * The chart for {@code cm}: dataset 0 holds (predicted, true, share of the true class) for the cell colours,
     * and one text annotation per cell, at (predicted, true), writes its count.
     */
    public static JFreeChart chart(ConfusionMatrix cm, String title) {
        return chart(cm, title, ClassNames.of(null, cm.classes(), true));
    }

    /** As {@link #chart(ConfusionMatrix, String)}, the axes labelled with {@code names}. */
    public static JFreeChart chart(ConfusionMatrix cm, String title, ClassNames names) {
        int k = cm.classes();
        NumberAxis predicted = classAxis("predicted " + names.noun(), names, k);
        NumberAxis truth = classAxis("true " + names.noun(), names, k);
        truth.setInverted(true);
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(new RowShareScale());
        XYPlot plot = new XYPlot(shares(cm), predicted, truth, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, k <= 12 ? 13 : 9);
        for (int t = 0; t < k && k <= MAX_ANNOTATED; t++) {
            long row = rowTotal(cm, t);
            for (int p = 0; p < k; p++) {
                long c = cm.count(t, p);
                XYTextAnnotation label = new XYTextAnnotation(Long.toString(c), p, t);
                label.setFont(font);
                double share = row == 0 ? 0 : (double) c / row;
                label.setPaint(share > 0.45 ? Color.WHITE : c == 0 ? new Color(0xB0, 0xB0, 0xB0) : Color.BLACK);
                plot.addAnnotation(label);
            }
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(legend(names));
        return chart;
    }

    /** The colour scale: share of the true class's samples, 0 to 100%. */
    private static PaintScaleLegend legend(ClassNames names) {
        NumberAxis scale = new NumberAxis("share of the true " + names.noun() + "'s samples");
        scale.setRange(0, 1);
        scale.setNumberFormatOverride(java.text.NumberFormat.getPercentInstance(java.util.Locale.ROOT));
        scale.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        PaintScaleLegend legend = new PaintScaleLegend(new RowShareScale(), scale);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
        legend.setMargin(new RectangleInsets(40, 8, 40, 8));
        legend.setStripWidth(14);
        legend.setSubdivisionCount(64);
        legend.setBackgroundPaint(Color.WHITE);
        return legend;
    }

    /** The PNG of {@link #chart}: {@value #WIDTH} x {@value #HEIGHT}, larger for many classes (cells stay legible). */
    public static byte[] png(ConfusionMatrix cm, String title, ClassNames names) {
        Png.ensureHeadless();
        int grow = Math.max(0, cm.classes() - 12) * 20;
        return Png.encode(chart(cm, title, names), WIDTH + grow, HEIGHT + grow);
    }

    private static XYZDataset shares(ConfusionMatrix cm) {
        int k = cm.classes();
        double[] xs = new double[k * k];
        double[] ys = new double[k * k];
        double[] zs = new double[k * k];
        for (int t = 0; t < k; t++) {
            long row = rowTotal(cm, t);
            for (int p = 0; p < k; p++) {
                int i = t * k + p;
                xs[i] = p;
                ys[i] = t;
                long c = cm.count(t, p);
                zs[i] = row == 0 ? 0 : (double) c / row;
            }
        }
        DefaultXYZDataset d = new DefaultXYZDataset();
        d.addSeries("row share", new double[][] {xs, ys, zs});
        return d;
    }

    private static long rowTotal(ConfusionMatrix cm, int t) {
        long row = 0;
        for (int p = 0; p < cm.classes(); p++) {
            row += cm.count(t, p);
        }
        return row;
    }

    private static NumberAxis classAxis(String label, ClassNames names, int k) {
        String[] symbols = new String[k];
        for (int i = 0; i < k; i++) {
            symbols[i] = names.name(i);
        }
        SymbolAxis axis = new SymbolAxis(label, symbols);
        axis.setGridBandsVisible(false);
        axis.setRange(-0.5, k - 0.5);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setAutoRangeIncludesZero(false);
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, k <= 12 ? 13 : 9));
        axis.setVerticalTickLabels(k > 12 && label.startsWith("predicted"));
        return axis;
    }

    /** White to deep blue over a row share of 0..1, square-root scaled so small shares are visible. */
    private static final class RowShareScale implements PaintScale {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double value) {
            double v = Math.sqrt(Math.max(0, Math.min(1, value)));
            int r = (int) Math.round(255 - v * (255 - 0x08));
            int g = (int) Math.round(255 - v * (255 - 0x30));
            int b = (int) Math.round(255 - v * (255 - 0x6b));
            return new Color(r, g, b);
        }
    }
}
