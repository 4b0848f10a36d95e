package dev.sparkmnist.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkmnist.data.ClassNames;
import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.cli.Main;
import dev.sparkmnist.eval.ConfusionMatrix;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * A real {@code train} run (tiny, on synthetic digits) leaves the pictures and the page in the model directory,
 * {@code evaluate --report-dir} writes them elsewhere, and the page renders in a browser.
 */
class TrainReportTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path data;

    @BeforeAll
    static void train() {
        SharedSpark.get();
        data = SyntheticDigits.writeMnistLike(tmp.resolve("data"), 400, 150, false, 21);
        model = tmp.resolve("models/m");
        // A tiny learning rate keeps the model poor, so there are mistakes to draw.
        assertEquals(ExitCodes.OK, Main.run("train", "--data-dir", data.toString(), "--out", model.toString(),
                "--hidden", "8", "--iterations", "40", "--batch-size", "16", "--local-steps", "4", "--lr", "1e-6",
                "--log-every", "8", "--eval-every", "12", "--partitions", "2"));
    }

    @Test
    void modelDirectoryHoldsPicturesFromTheSameNumbersAsMetricsJson() throws Exception {
        JsonNode metrics = Json.MAPPER.readTree(model.resolve("metrics.json").toFile());
        JsonNode rows = metrics.get("test").get("confusion");
        long[] counts = new long[100];
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                counts[t * 10 + p] = rows.get(t).get(p).asLong();
            }
        }
        ConfusionMatrix fromJson = new ConfusionMatrix(10, counts);
        byte[] onDisk = Files.readAllBytes(model.resolve(RunReport.CONFUSION_PNG));
        // Rendering is deterministic: the picture in the model directory is the one drawn from metrics.json's matrix.
        assertArrayEquals(ConfusionChart.png(fromJson, "Test set confusion matrix",
                ClassNames.of(null, 10, false)), onDisk,
                "confusion.png was not drawn from the matrix in metrics.json");
        BufferedImage confusion = ImageIO.read(model.resolve(RunReport.CONFUSION_PNG).toFile());
        assertEquals(ConfusionChart.WIDTH, confusion.getWidth());
        assertEquals(ConfusionChart.HEIGHT, confusion.getHeight());

        BufferedImage loss = ImageIO.read(model.resolve(RunReport.LOSS_PNG).toFile());
        assertEquals(LossChart.WIDTH, loss.getWidth());
        assertEquals(LossChart.HEIGHT, loss.getHeight());

        long wrong = fromJson.total() - fromJson.correct();
        assertTrue(wrong > 0, "the deliberately poor model made no mistakes");
        BufferedImage mistakes = ImageIO.read(model.resolve(RunReport.MISTAKES_PNG).toFile());
        DigitGrid grid = MistakeGallery.grid(28, 28);
        int shown = (int) Math.min(RunReport.MISTAKES_SHOWN, wrong);
        assertEquals(grid.width(shown), mistakes.getWidth());
        assertEquals(grid.height(shown), mistakes.getHeight());

        String html = Files.readString(model.resolve(RunReport.REPORT_HTML), StandardCharsets.UTF_8);
        List<String> refs = RunReportTest.references(html);
        assertEquals(List.of(RunReport.SAMPLES_PNG, RunReport.LOSS_PNG, RunReport.CONFUSION_PNG,
                RunReport.MISTAKES_PNG), refs, "training images, loss, confusion and mistakes pictures");
        BufferedImage samples = ImageIO.read(model.resolve(RunReport.SAMPLES_PNG).toFile());
        DigitGrid sampleGrid = DigitGrid.forCount(RunReport.SAMPLES_SHOWN, 28, 28, MistakeGallery.SCALE);
        assertEquals(sampleGrid.width(RunReport.SAMPLES_SHOWN), samples.getWidth());
        for (String ref : refs) {
            assertTrue(Files.isRegularFile(model.resolve(ref)), "report.html references missing " + ref);
        }
        assertTrue(html.contains(ReportHtml.percent(metrics.get("testAccuracy").asDouble())));
        assertTrue(html.contains("<td>40</td>"), "phase table lacks the 40 iterations");
    }

    @Test
    void evaluateWritesAReportWhereTheUserSays() throws Exception {
        Path dir = tmp.resolve("eval-report");
        Path metricsOut = tmp.resolve("eval-metrics.json");
        assertEquals(ExitCodes.OK, Main.run("evaluate", "--data-dir", data.toString(), "--model", model.toString(),
                "--metrics-out", metricsOut.toString(), "--report-dir", dir.toString(), "--partitions", "2"));
        String html = Files.readString(dir.resolve(RunReport.REPORT_HTML), StandardCharsets.UTF_8);
        double accuracy = Json.MAPPER.readTree(metricsOut.toFile()).get("testAccuracy").asDouble();
        assertTrue(html.contains(ReportHtml.percent(accuracy)));
        for (String ref : RunReportTest.references(html)) {
            assertNotNull(ImageIO.read(dir.resolve(ref).toFile()), ref);
        }
        assertTrue(RunReportTest.references(html).contains(RunReport.CONFUSION_PNG));
        // The training curves were saved with the model, so the evaluation's report draws them too.
        assertTrue(Files.isRegularFile(model.resolve(RunReport.CURVES_JSON)));
        assertTrue(RunReportTest.references(html).contains(RunReport.LOSS_PNG), "no loss curve in " + html);
        assertEquals(Files.size(model.resolve(RunReport.LOSS_PNG)), Files.size(dir.resolve(RunReport.LOSS_PNG)),
                "the evaluation's loss curve is the training run's");
    }

    @Test
    void reportRendersInHeadlessChromium() throws Exception {
        Path chromium = Chromium.find();
        if (chromium == null) {
            System.out.println("SKIPPED reportRendersInHeadlessChromium: no chromium on PATH "
                    + "(apt-get install chromium; .ci/run does this when it runs as root)");
        }
        Assumptions.assumeTrue(chromium != null, "no chromium on PATH (apt-get install chromium)");
        Path shot = tmp.resolve("shot.png");
        Chromium.screenshot(chromium, model.resolve(RunReport.REPORT_HTML), shot, 1200, 2600);
        int[] withImages = whiteAndDigitPixels(shot);
        assertTrue(withImages[0] < withImages[2] * 0.97, "screenshot is blank: " + withImages[0] + " of "
                + withImages[2] + " sampled pixels white");
        // The black digit tiles of mistakes.png only appear if the browser loaded the pictures beside the page;
        // the same page copied without its pictures is the control.
        Path bare = Files.createDirectories(tmp.resolve("bare"));
        Files.copy(model.resolve(RunReport.REPORT_HTML), bare.resolve(RunReport.REPORT_HTML));
        Path bareShot = tmp.resolve("bare.png");
        Chromium.screenshot(chromium, bare.resolve(RunReport.REPORT_HTML), bareShot, 1200, 2600);
        int[] without = whiteAndDigitPixels(bareShot);
        assertTrue(without[0] < without[2], "the page without pictures should still show text");
        assertTrue(withImages[1] > 20_000 && withImages[1] > 4 * without[1], "digit-tile pixels with pictures "
                + withImages[1] + ", without " + without[1] + ": the pictures did not load");
    }

    /** Sampled pixel counts: [pure white, dark grey as in digit tiles, all]. */
    private static int[] whiteAndDigitPixels(Path png) throws java.io.IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " does not decode");
        int[] counts = new int[3];
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                counts[2]++;
                if (rgb == 0xffffff) {
                    counts[0]++;
                } else if (r == g && g == b && r < 64) {
                    counts[1]++;
                }
            }
        }
        return counts;
    }
}
