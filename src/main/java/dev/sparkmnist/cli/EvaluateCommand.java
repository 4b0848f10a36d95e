package dev.sparkmnist.cli;

import java.util.List;
import java.util.concurrent.Callable;

import org.apache.spark.api.java.JavaSparkContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.sparkmnist.data.ClassCount;
import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.eval.ConfusionMatrix;
import dev.sparkmnist.eval.CommitteeEvaluator;
import dev.sparkmnist.eval.Evaluator;
import dev.sparkmnist.eval.Metrics;
import dev.sparkmnist.fetch.DataFolder;
import dev.sparkmnist.fetch.MnistIdentity;
import dev.sparkmnist.fs.UserFiles;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.CommitteeStore;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedCommittee;
import dev.sparkmnist.output.OutputClaim;
import dev.sparkmnist.pipeline.SparkContexts;
import dev.sparkmnist.report.RunReport;

/** {@code evaluate}: accuracy and confusion matrix of a saved model on any IDX images/labels pair. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a saved model on an IDX images/labels pair (by default the MNIST test set).")
public final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, paramLabel = "MODEL_DIR", description = "Saved model directory.")
    String model;

    @Option(names = "--images", description = "Images IDX file (instead of the test set in --data-dir).")
    String images;

    @Option(names = "--labels", description = "Labels IDX file, with --images.")
    String labels;

    @Option(names = "--metrics-out", paramLabel = "FILE", description = "Also write the metrics as JSON here.")
    String metricsOut;

    @Option(names = "--report-dir", paramLabel = "DIR",
            description = "Also write confusion.png, mistakes.png and report.html into this directory.")
    String reportDir;

    @Option(names = "--overwrite", description = "Replace an existing --metrics-out file or --report-dir folder "
            + "that evaluate did not write (never a model directory or the input).")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if ((images == null) != (labels == null)) {
            throw new dev.sparkmnist.train.InvalidConfigException("--images and --labels go together");
        }
        SavedCommittee saved = CommitteeStore.load(model);
        if (images == null) {
            DataFolder.requireFiles(common.dataDir, MnistFiles.TEST_IMAGES, MnistFiles.TEST_LABELS);
        }
        common.dataDir = HadoopPaths.qualify(common.dataDir); // executors have another working directory
        images = HadoopPaths.qualify(images);
        labels = HadoopPaths.qualify(labels);
        MnistFiles.Split split = images != null ? new MnistFiles.Split(images, labels) : MnistFiles.test(common.dataDir);
        // Both outputs are checked and claimed before the evaluation, not found unwritable after it.
        try (OutputClaim metrics = metricsOut == null ? null : OutputClaim.file("evaluate", "--metrics-out",
                metricsOut, overwrite, EvaluateCommand::isMetrics, model, split.images(), split.labels());
             OutputClaim report = reportDir == null ? null : OutputClaim.directory("evaluate", "--report-dir",
                     reportDir, overwrite, false, model, split.images(), split.labels(), common.dataDir)) {
            evaluate(saved, split);
            if (report != null) {
                report.written();
            }
        }
        return ExitCodes.OK;
    }

    /** True when {@code bytes} are metrics JSON as evaluate writes it (so a new run may replace them). */
    private static boolean isMetrics(byte[] bytes) {
        try {
            com.fasterxml.jackson.databind.JsonNode json = Json.MAPPER.readTree(bytes);
            return json != null && json.isObject() && json.has("testAccuracy") && json.has("test");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private void evaluate(SavedCommittee saved, MnistFiles.Split split) throws java.io.IOException {
        InputScaling scaling = saved.metadata().scaling();
        try (SparkContexts.Handle spark = SparkContexts.open("spark-mnist evaluate")) {
            JavaSparkContext sc = spark.context();
            int partitions = common.partitions(sc);
            IdxRddLoader.LoadedSet set = IdxRddLoader.load(sc, split, partitions);
            if (set.pixelsPerImage() != saved.inputs()) {
                throw new dev.sparkmnist.train.InvalidConfigException(split.images() + ": images have "
                        + set.pixelsPerImage() + " pixels but the model expects " + saved.inputs());
            }
            try {
                ClassCount.requireWithin(set.labels(), saved.classes(), split.labels(),
                        "the model " + model);
            } catch (IllegalArgumentException e) {
                throw new dev.sparkmnist.train.InvalidConfigException(e.getMessage());
            }
            Evaluator.Evaluation evaluation;
            List<ConfusionMatrix> members = List.of();
            if (saved.isCommittee()) {
                CommitteeEvaluator.Result r = CommitteeEvaluator.evaluate(sc, set.blocks(), saved.networks(), scaling,
                        RunReport.MISTAKES_SHOWN);
                evaluation = r.committee().get(saved.combination());
                members = r.members();
            } else {
                evaluation = Evaluator.evaluate(sc, set.blocks(), saved.members().get(0).network(), scaling,
                        RunReport.MISTAKES_SHOWN);
            }
            ConfusionMatrix cm = evaluation.confusion();
            Metrics metrics = new Metrics(null, cm);
            boolean mnist = MnistIdentity.isMnistFile(split.images()) && MnistIdentity.isMnistFile(split.labels());
            RunReport report = new RunReport("evaluate: " + model + " on " + split.images(), saved.metadata(),
                    metrics, savedCurves(model), evaluation.mistakes(), set.images().rows(), set.images().cols(),
                    new RunReport.DataSource(images != null ? split.images() : common.dataDir, mnist), null);
            System.out.println("model: " + model + " (" + saved.describe() + ", input scaling "
                    + scaling.describe() + ")");
            for (int i = 0; i < members.size(); i++) {
                System.out.printf(java.util.Locale.ROOT, "member %d: accuracy %.2f%% (%d of %d)%n", i,
                        100 * members.get(i).accuracy(), members.get(i).correct(), members.get(i).total());
            }
            System.out.println("data:  " + split.images() + ": " + MnistIdentity.describe(mnist));
            System.out.print(metrics.toText(report.classNames()));
            if (metricsOut != null) {
                UserFiles.write(metricsOut, Json.MAPPER.writeValueAsBytes(metrics.toJson()));
            }
            if (reportDir != null) {
                report.write(reportDir);
                System.out.println("report: " + reportDir + "/" + RunReport.REPORT_HTML);
            }
        }
    }

    /** The training curves saved with the model, or null for a model saved without them (older versions). */
    private static RunReport.Curves savedCurves(String model) {
        return ModelStore.readExtra(model, RunReport.CURVES_JSON).map(bytes -> {
            try {
                return Json.MAPPER.readValue(bytes, RunReport.Curves.class);
            } catch (java.io.IOException e) {
                System.err.println("warning: " + model + "/" + RunReport.CURVES_JSON + " is unreadable ("
                        + e.getMessage() + "); the report has no loss curve");
                return null;
            }
        }).orElse(null);
    }
}
