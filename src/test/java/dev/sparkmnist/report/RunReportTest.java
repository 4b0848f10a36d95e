package dev.sparkmnist.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYZDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkmnist.data.ClassNames;
import dev.sparkmnist.eval.ConfusionMatrix;
import dev.sparkmnist.eval.Metrics;
import dev.sparkmnist.model.Json;

/** The report's pictures show the run's numbers, and the page shows the pictures and the metrics. */
class RunReportTest {
    @TempDir
    Path tmp;

    @Test
    void confusionPictureShowsTheCountsOfMetricsJson() throws Exception {
        Metrics metrics = new Metrics(ReportFixtures.confusion(1), ReportFixtures.confusion(2));
        // metrics.json as the training job writes it, read back as a reader of the model directory would.
        JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(metrics.toJson()));
        JsonNode rows = json.get("test").get("confusion");

        JFreeChart chart = ConfusionChart.chart(metrics.test(), "test");
        XYPlot plot = chart.getXYPlot();
        Map<String, String> written = new HashMap<>();
        for (Object o : plot.getAnnotations()) {
            XYTextAnnotation a = (XYTextAnnotation) (XYAnnotation) o;
            written.put((int) a.getX() + "," + (int) a.getY(), a.getText());
        }
        assertEquals(100, written.size(), "one count per cell");
        XYZDataset colours = (XYZDataset) plot.getDataset(0);
        for (int t = 0; t < 10; t++) {
            long rowTotal = 0;
            for (int p = 0; p < 10; p++) {
                rowTotal += rows.get(t).get(p).asLong();
            }
            for (int p = 0; p < 10; p++) {
                long expected = rows.get(t).get(p).asLong();
                // x is the predicted digit, y the true digit (rows true, columns predicted).
                assertEquals(Long.toString(expected), written.get(p + "," + t), "cell true " + t + " pred " + p);
                int item = t * 10 + p;
                assertEquals(p, colours.getXValue(0, item));
                assertEquals(t, colours.getYValue(0, item));
                assertEquals((double) expected / rowTotal, colours.getZValue(0, item), 1e-12);
            }
        }
        assertTrue(plot.getRangeAxis().isInverted(), "true digit 0 belongs at the top");

        BufferedImage png = decode(ConfusionChart.png(metrics.test(), "test", ClassNames.of(null, 10, true)));
        assertEquals(ConfusionChart.WIDTH, png.getWidth());
        assertEquals(ConfusionChart.HEIGHT, png.getHeight());
    }

    @Test
    void lossChartHoldsEveryPointPhaseMarksAndAccuracy() throws Exception {
        JFreeChart chart = LossChart.chart(ReportFixtures.phases(), ReportFixtures.loss(),
                ReportFixtures.accuracy(), 2000);
        XYPlot plot = chart.getXYPlot();
        XYDataset loss = plot.getDataset(0);
        assertEquals(2, loss.getSeriesCount(), "one loss series per phase");
        int points = loss.getItemCount(0) + loss.getItemCount(1);
        assertEquals(ReportFixtures.loss().size(), points);
        assertEquals(600, loss.getXValue(0, loss.getItemCount(0) - 1), "phase 1 ends at 600");
        XYDataset acc = plot.getDataset(1);
        assertEquals(ReportFixtures.accuracy().size(), acc.getItemCount(0));
        assertEquals(100 * ReportFixtures.accuracy().get(0).accuracy(), acc.getYValue(0, 0), 1e-9);
        assertEquals(1, plot.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND).size(),
                "one mark where phase 2 starts");
        BufferedImage png = decode(LossChart.png(ReportFixtures.phases(), ReportFixtures.loss(), List.of(), 0));
        assertEquals(LossChart.WIDTH, png.getWidth());
        assertEquals(LossChart.HEIGHT, png.getHeight());
    }

    @Test
    void pageReferencesFilesThatExistAndShowsTheTestAccuracy() throws Exception {
        Metrics metrics = new Metrics(ReportFixtures.confusion(3), ReportFixtures.confusion(4));
        RunReport report = new RunReport("train: <test & check>", null, metrics,
                new RunReport.Curves(ReportFixtures.phases(), ReportFixtures.loss(), ReportFixtures.accuracy(), 2000),
                ReportFixtures.mistakes(23), 28, 28);
        Path dir = tmp.resolve("out");
        report.write(dir.toString());
        Files.write(dir.resolve("metrics.json"), Json.MAPPER.writeValueAsBytes(metrics.toJson()));

        String html = Files.readString(dir.resolve(RunReport.REPORT_HTML), StandardCharsets.UTF_8);
        List<String> refs = references(html);
        assertEquals(List.of(RunReport.LOSS_PNG, RunReport.CONFUSION_PNG, RunReport.MISTAKES_PNG), refs);
        for (String ref : refs) {
            assertNotNull(ImageIO.read(dir.resolve(ref).toFile()), ref + " does not decode");
        }
        double testAccuracy = Json.MAPPER.readTree(dir.resolve("metrics.json").toFile()).get("testAccuracy")
                .asDouble();
        assertTrue(html.contains(ReportHtml.percent(testAccuracy)), "page lacks " + ReportHtml.percent(testAccuracy));
        assertTrue(html.contains("&lt;test &amp; check&gt;"), "title not escaped");
        assertFalse(html.contains("http://") || html.contains("https://"), "page must read offline");
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".")), "temporary file left");
        }

        BufferedImage mistakes = ImageIO.read(dir.resolve(RunReport.MISTAKES_PNG).toFile());
        DigitGrid grid = MistakeGallery.grid(28, 28);
        assertEquals(grid.width(23), mistakes.getWidth());
        assertEquals(grid.height(23), mistakes.getHeight());
        int v = ReportFixtures.mistakes(23).get(12).pixels()[5 * 28 + 7] & 0xff;
        assertEquals((v << 16) | (v << 8) | v,
                mistakes.getRGB(grid.imageX(12) + 7 * 3 + 1, grid.imageY(12) + 5 * 3 + 2) & 0xffffff);
    }

    @Test
    void evaluationWithoutCurvesOrMistakesLeavesThemOut() throws Exception {
        long[] perfect = new long[100];
        for (int k = 0; k < 10; k++) {
            perfect[k * 11] = 10;
        }
        RunReport report = new RunReport("evaluate", null, new Metrics(null, new ConfusionMatrix(10, perfect)),
                null, List.of(), 28, 28);
        Map<String, byte[]> files = report.files();
        assertEquals(List.of(RunReport.CONFUSION_PNG, RunReport.REPORT_HTML), List.copyOf(files.keySet()));
        String html = new String(files.get(RunReport.REPORT_HTML), StandardCharsets.UTF_8);
        assertEquals(List.of(RunReport.CONFUSION_PNG), references(html));
        assertTrue(html.contains("100.00%"));
    }

    static List<String> references(String html) {
        Matcher m = Pattern.compile("src=\"([^\"]+)\"").matcher(html);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(img, "PNG does not decode");
        return img;
    }
}
