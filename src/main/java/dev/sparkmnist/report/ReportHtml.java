package dev.sparkmnist.report;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.sparkmnist.data.ClassNames;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.eval.ConfusionMatrix;
import dev.sparkmnist.fetch.MnistIdentity;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.train.Convergence;
import dev.sparkmnist.train.Convergence.PhaseRun;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.RunPlan;

/**
 * The report page: a self-contained HTML file (inline CSS, no scripts, no network) that shows the run's pictures
 * next to its metrics and hyperparameters. Pictures are referenced by file name, so the page works when the
 * directory is copied or opened from disk.
 */
final class ReportHtml {
    private ReportHtml() {
    }

    /** The page for {@code r}, showing the pictures among {@code pictures} that exist. */
    static byte[] render(RunReport r, Collection<String> pictures) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(esc(r.title())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222;"
                        + "background:#fff;padding:0 1em}\n")
                .append("h1{font-size:1.6em;border-bottom:2px solid #1f77b4;padding-bottom:.3em}\n")
                .append(".big{font-size:2.2em;font-weight:bold;color:#1f4e79}\n")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}\n")
                .append("td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}\n")
                .append("th{background:#eef3f8}\ntd.k,th.k{text-align:left}\n")
                .append("img{max-width:100%;border:1px solid #ddd;margin:.5em 0}\n")
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(esc(r.title())).append("</h1>\n");
        ClassNames names = r.classNames();
        if (r.data() != null) {
            h.append("<p>Data: <code id=\"data-dir\">").append(esc(r.data().location()))
                    .append("</code> \u2014 <span id=\"data-kind\">").append(esc(r.data().kind()))
                    .append("</span></p>\n");
        }
        ConfusionMatrix test = r.metrics().test();
        ConfusionMatrix train = r.metrics().train();
        if (test != null) {
            h.append("<p>Test accuracy <span class=\"big\" id=\"test-accuracy\">").append(percent(test.accuracy()))
                    .append("</span> (").append(test.correct()).append(" of ").append(test.total())
                    .append(" test ").append(names.samples()).append(" right)</p>\n");
        }
        h.append("<h2>Metrics</h2>\n<table>\n<tr><th class=\"k\">set</th><th>accuracy</th><th>right</th>"
                + "<th>samples</th></tr>\n");
        if (train != null) {
            metricsRow(h, "training", train);
        }
        if (test != null) {
            metricsRow(h, "test", test);
        }
        h.append("</table>\n");
        if (test != null) {
            h.append("<table>\n<tr><th class=\"k\">").append(names.noun()).append("</th>");
            for (int k = 0; k < test.classes(); k++) {
                h.append("<th class=\"class-name\">").append(esc(names.name(k))).append("</th>");
            }
            h.append("</tr>\n<tr><td class=\"k\">test accuracy</td>");
            for (int k = 0; k < test.classes(); k++) {
                h.append("<td>").append(percent(test.classAccuracy(k))).append("</td>");
            }
            h.append("</tr>\n</table>\n");
        }
        picture(h, pictures, RunReport.SAMPLES_PNG, "Training images",
                r.samples() == null ? "" : r.samples().tiles().size() + " training images chosen at random, "
                        + "captioned with their " + names.noun() + ", as the network sees them before scaling.");
        picture(h, pictures, RunReport.LOSS_PNG, "Training curves",
                "Mean batch loss per logged interval (the first point is the first Spark job's steps), one colour "
                        + "per phase; dashed lines mark where a phase starts."
                        + (r.stoppedPhases().isEmpty() ? "" : " The last one marks where the convergence check "
                        + "(--tol) stopped training; a skipped phase has none.")
                        + (r.curves() != null && !r.curves().accuracy().isEmpty()
                        ? " Red: test accuracy on the first " + r.curves().accuracySample() + " test records." : ""));
        picture(h, pictures, RunReport.CONFUSION_PNG, "Confusion matrix",
                "Rows: the true " + names.noun() + "; columns: what the model predicted. Colour is the share of "
                        + "the true " + names.noun() + "'s samples (scale on the right), so off-diagonal cells show "
                        + "the model's typical confusions.");
        picture(h, pictures, RunReport.MISTAKES_PNG, "Misclassified test " + names.samples(),
                "The first " + r.mistakes().size() + " test " + names.samples() + " the model got wrong, in file "
                        + "order, captioned true \u2192 predicted (the model's probability for its prediction).");
        if (test != null && r.mistakes().isEmpty()) {
            h.append("<p>The model classified every test ").append(names.noun()).append(" correctly.</p>\n");
        }
        hyperparameters(h, r.model(), names);
        h.append("</body>\n</html>\n");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void metricsRow(StringBuilder h, String name, ConfusionMatrix c) {
        h.append("<tr><td class=\"k\">").append(name).append("</td><td>").append(percent(c.accuracy()))
                .append("</td><td>").append(c.correct()).append("</td><td>").append(c.total()).append("</td></tr>\n");
    }

    private static void picture(StringBuilder h, Collection<String> pictures, String file, String heading,
                                String caption) {
        if (!pictures.contains(file)) {
            return;
        }
        h.append("<h2>").append(esc(heading)).append("</h2>\n<p>").append(esc(caption)).append("</p>\n")
                .append("<img src=\"").append(esc(file)).append("\" alt=\"").append(esc(heading)).append("\">\n");
    }

    private static void hyperparameters(StringBuilder h, ModelMetadata m, ClassNames names) {
        if (m == null) {
            return;
        }
        h.append("<h2>Model and hyperparameters</h2>\n<table>\n");
        row(h, "layers", m.layers()[0] + " \u2192 " + m.layers()[1] + " (" + m.activation() + ") \u2192 "
                + m.layers()[2] + " (" + m.output() + ")");
        row(h, "input scaling", m.scaling().describe() + (m.inputTransform() == null
                && m.scaling().kind() == InputScaling.Kind.STANDARD ? ", MNIST's constants (model stores no values)"
                : ""));
        row(h, "classes", String.join(", ", names.names()));
        if (m.dataDir() != null) {
            row(h, "trained on", m.dataDir() + " (" + MnistIdentity.describe(MnistIdentity.isMnist(m.dataSha256()))
                    + ")");
        }
        row(h, "seed", Long.toString(m.seed()));
        if (m.augmentation() != null) {
            row(h, "training images distorted on the fly", m.augmentation());
        }
        if (m.metrics() != null && m.metrics().get("memberTestAccuracy") instanceof List<?> members) {
            Object how = m.metrics().get("combination");
            row(h, "committee", members.size() + " networks, probabilities combined" + (how != null ? " by " + how
                    : "") + "; each member's test accuracy: " + String.join(", ",
                    members.stream().map(a -> String.format(Locale.ROOT, "%.2f%%", 100 * ((Number) a).doubleValue()))
                            .toList()));
        }
        row(h, "continued from", m.continuedFrom() == null ? "(fresh weights)" : m.continuedFrom());
        if (m.metrics() != null && m.metrics().get("trainingSeconds") instanceof Number s) {
            row(h, "training time", String.format(Locale.ROOT, "%.1f s", s.doubleValue()));
        }
        row(h, "program / Spark", m.programVersion() + " / " + m.sparkVersion());
        row(h, "created", m.createdAt());
        if (m.dataSha256() != null) {
            for (Map.Entry<String, String> e : m.dataSha256().entrySet()) {
                row(h, "sha256 " + e.getKey(), e.getValue());
            }
        }
        h.append("</table>\n");
        List<PhaseConfig> phases = m.phases();
        if (phases != null && !phases.isEmpty()) {
            List<PhaseRun> ran = Convergence.stoppedPhases(m.metrics());
            List<RunPlan.Phase> planned = RunPlan.phasesOf(m.metrics());
            h.append("<table>\n<tr><th>phase</th><th>iterations</th><th>batch</th><th>lr</th><th>lambda</th>"
                    + "<th>momentum</th><th>local steps</th><th class=\"k\">schedule</th></tr>\n");
            for (int i = 0; i < phases.size(); i++) {
                PhaseConfig p = phases.get(i);
                PhaseRun run = ofThisRun(ran, i, phases.size());
                RunPlan.Phase plan = ofThisRun(planned, i, phases.size());
                boolean changed = plan != null && !plan.asConfigured(p);
                h.append("<tr><td>").append(i + 1).append("</td><td>")
                        .append(run != null ? iterationsRun(run, p.iterations())
                                : changed ? iterationsPlanned(plan, p) : Long.toString(p.iterations()))
                        .append("</td><td>")
                        .append(changed ? batchPlanned(plan, p) : Integer.toString(p.batchSize()))
                        .append("</td><td>").append(changed ? ratePlanned(plan, p) : Double.toString(p.learningRate()))
                        .append("</td><td>")
                        .append(p.lambda()).append("</td><td>").append(p.momentum()).append("</td><td>")
                        .append(plan != null && p.localSteps() == 0 ? plan.localSteps() + " (auto)"
                                : Integer.toString(p.localSteps()))
                        .append("</td><td class=\"k\">")
                        .append(p.schedule().name().toLowerCase(Locale.ROOT)).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
    }

    /**
     * Row {@code row} of {@code rows}' entry in a record of this run's phases, which are the last ones (a continued
     * model's earlier phases come first); null for an earlier phase, or when the record has more entries than rows.
     */
    private static <T> T ofThisRun(List<T> thisRun, int row, int rows) {
        int first = rows - thisRun.size();
        return first >= 0 && row >= first ? thisRun.get(row - first) : null;
    }

    /**
     * The iterations cell of a phase of a run the convergence check stopped: iterations run of planned and how the
     * phase ended, e.g. "300 of 1,000 (converged)", "0 of 500 (skipped)", and the configured iterations when the
     * plan had others, e.g. "20 of 2,930 (converged; configured 23,438)".
     */
    static String iterationsRun(PhaseRun run, long configured) {
        return String.format(Locale.ROOT, "%,d of %,d (%s%s)", run.run(), run.planned(), esc(run.end()),
                run.planned() == configured ? "" : String.format(Locale.ROOT, "; configured %,d", configured));
    }

    /**
     * The iterations cell of a phase that ran with another batch than configured: "2,930 (configured 23,438)", or the
     * count alone when the plan kept it.
     */
    static String iterationsPlanned(RunPlan.Phase plan, PhaseConfig configured) {
        return plan.iterations() == configured.iterations() ? Long.toString(configured.iterations())
                : String.format(Locale.ROOT, "%,d (configured %,d)", plan.iterations(), configured.iterations());
    }

    /**
     * The batch cell of a phase that ran with another batch than configured: the global batch, how it was made up
     * when each partition drew its own batch, and the configured batch, e.g. "2,048 (configured 256)",
     * "128 = 2 \u00d7 64 (configured 50)".
     */
    static String batchPlanned(RunPlan.Phase plan, PhaseConfig configured) {
        return String.format(Locale.ROOT, "%,d%s (configured %,d)", plan.globalBatch(), plan.partitionBatch() > 0
                ? String.format(Locale.ROOT, " = %d \u00d7 %,d", plan.globalBatch() / plan.partitionBatch(),
                plan.partitionBatch()) : "", configured.batchSize());
    }

    /**
     * The rate cell of a phase that ran with another batch than configured: the rate it ran at (the configured one
     * times the plan's factor), the configured one beside it when they differ, and the warm-up, e.g.
     * "1.0E-4 (configured 2.0E-4)", "0.004 (configured 0.001; warm-up 3 iterations)".
     */
    static String ratePlanned(RunPlan.Phase plan, PhaseConfig configured) {
        boolean same = plan.learningRate() == configured.learningRate();
        if (same && plan.warmupIterations() == 0) {
            return Double.toString(configured.learningRate());
        }
        return plan.learningRate() + " (" + (same ? "" : "configured " + configured.learningRate())
                + (plan.warmupIterations() == 0 ? "" : (same ? "" : "; ") + "warm-up " + String.format(Locale.ROOT,
                "%,d", plan.warmupIterations()) + " iterations") + ")";
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><td class=\"k\">").append(esc(key)).append("</td><td class=\"k\">").append(esc(value))
                .append("</td></tr>\n");
    }

    /** Accuracy as the page shows it, e.g. {@code 98.12%}; n/a for NaN (a class without samples). */
    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
