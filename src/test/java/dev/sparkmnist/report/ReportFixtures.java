package dev.sparkmnist.report;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.sparkmnist.eval.ConfusionMatrix;
import dev.sparkmnist.eval.Evaluator.Mistake;
import dev.sparkmnist.eval.Metrics;
import dev.sparkmnist.eval.SampledTestAccuracy.AccuracyPoint;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.ProgressLogger.LossPoint;

/** Made-up but plausible inputs, and reports made of them, for report tests that need no Spark. */
final class ReportFixtures {
    private ReportFixtures() {
    }

    /** A 10-class matrix with a heavy diagonal and a few seeded confusions. */
    static ConfusionMatrix confusion(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] counts = new long[100];
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                counts[t * 10 + p] = t == p ? 900 + r.nextInt(200) : r.nextInt(4) == 0 ? r.nextInt(30) : 0;
            }
        }
        return new ConfusionMatrix(10, counts);
    }

    /** A 784-8-10 model's description with {@code phases} and a run's {@code metrics}. */
    static ModelMetadata model(List<PhaseConfig> phases, Map<String, Object> metrics) {
        return new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.FORMAT_VERSION, new int[] {784, 8, 10}, "tanh",
                "softmax", "standard", 1, phases, null, null, metrics, "test", "4.2.0", "2025-01-01T00:00:00Z",
                ModelMetadata.WEIGHT_FILES);
    }

    /** A training run's report on {@code model}, whose run trained {@code runPhases} ({@link #loss()}'s curve). */
    static RunReport report(ModelMetadata model, List<PhaseConfig> runPhases) {
        return new RunReport("train", model, new Metrics(null, confusion(1)),
                new RunReport.Curves(runPhases, loss(), List.of(), 0), List.of(), 28, 28);
    }

    /** The page of {@link #report}, with a loss chart. */
    static String page(ModelMetadata model, List<PhaseConfig> runPhases) {
        return new String(ReportHtml.render(report(model, runPhases), List.of(RunReport.LOSS_PNG)),
                StandardCharsets.UTF_8);
    }

    /** The phase table of a report page: from its header to the end of the table. */
    static String phaseTable(String html) {
        int start = html.indexOf("<th>phase</th>");
        return start < 0 ? "" : html.substring(start, html.indexOf("</table>", start));
    }

    static List<PhaseConfig> phases() {
        return List.of(PhaseConfig.plain(600, 100, 0.1, 1e-4), PhaseConfig.plain(400, 100, 0.01, 1e-5));
    }

    static List<LossPoint> loss() {
        List<LossPoint> out = new ArrayList<>();
        for (int i = 50; i <= 1000; i += 50) {
            out.add(new LossPoint(i <= 600 ? 0 : 1, i, 2.3 / Math.sqrt(i / 50.0)));
        }
        return out;
    }

    static List<AccuracyPoint> accuracy() {
        List<AccuracyPoint> out = new ArrayList<>();
        for (int i = 200; i <= 1000; i += 200) {
            out.add(new AccuracyPoint(i <= 600 ? 0 : 1, i, 0.9 + i / 20000.0));
        }
        return out;
    }

    static List<Mistake> mistakes(int n) {
        List<Mistake> out = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[784];
            for (int p = 0; p < px.length; p++) {
                px[p] = (byte) r.nextInt(256);
            }
            out.add(new Mistake(10L * i, i % 10, (i + 3) % 10, 0.5 + i / 100.0, 0.1, px));
        }
        return out;
    }
}
