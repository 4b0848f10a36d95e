package dev.sparkmnist.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.hadoop.fs.Path;

import dev.sparkmnist.data.ClassNames;
import dev.sparkmnist.eval.Evaluator.Mistake;
import dev.sparkmnist.eval.Metrics;
import dev.sparkmnist.eval.SampledTestAccuracy.AccuracyPoint;
import dev.sparkmnist.fetch.MnistIdentity;
import dev.sparkmnist.fs.UserFiles;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.train.Convergence;
import dev.sparkmnist.train.Convergence.PhaseRun;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.ProgressLogger.LossPoint;
import dev.sparkmnist.train.RunPlan;

/**
 * The pictures and the page a person looks at after a run: {@code loss.png} (when there are curves),
 * {@code confusion.png} (when there is a test evaluation), {@code mistakes.png} (when the model got any test digit
 * wrong) and {@code report.html}, which shows them beside the metrics and the model's hyperparameters and reads
 * offline (the images are files beside it).
 *
 * <p>{@link #files()} gives name-to-bytes for {@code ModelStore.save}'s extra files, so a training run's report
 * lands in the model directory with its atomic rename; {@link #write} puts them in any other directory.
 *
 * @param title     page heading, e.g. "train: models/default"
 * @param model     the model's description: layers, scaling, phases and the like
 * @param metrics   train and/or test confusion matrices
 * @param curves    the run's training curves, or null when there was no training (evaluate)
 * @param mistakes  misclassified test digits to show, possibly empty
 * @param imageRows height of an image in pixels (28 for MNIST)
 * @param imageCols width of an image in pixels
 * @param data      the data the report is about (named on the page), or null
 * @param samples   training images to show as a grid, or null
 */
public record RunReport(String title, ModelMetadata model, Metrics metrics, Curves curves, List<Mistake> mistakes,
                        int imageRows, int imageCols, DataSource data, DigitSample samples) {
    public static final String LOSS_PNG = "loss.png";
    public static final String CONFUSION_PNG = "confusion.png";
    public static final String MISTAKES_PNG = "mistakes.png";
    public static final String REPORT_HTML = "report.html";
    /** The training curves, saved with the model so a later {@code evaluate --report-dir} can draw them again. */
    public static final String CURVES_JSON = "curves.json";
    /** The grid of training images a training run shows. */
    public static final String SAMPLES_PNG = "samples.png";
    /** Mistakes a training run shows. */
    public static final int MISTAKES_SHOWN = 50;
    /** Training images a training run shows. */
    public static final int SAMPLES_SHOWN = 40;

    public RunReport {
        mistakes = mistakes == null ? List.of() : List.copyOf(mistakes);
    }

    /** A report that names no data and shows no training images. */
    public RunReport(String title, ModelMetadata model, Metrics metrics, Curves curves, List<Mistake> mistakes,
                     int imageRows, int imageCols) {
        this(title, model, metrics, curves, mistakes, imageRows, imageCols, null, null);
    }

    /**
     * Which data a report is about.
     *
     * @param location the data folder or file
     * @param mnist    true when its SHA-256 sums are MNIST's
     */
    public record DataSource(String location, boolean mnist) {
        /** "MNIST (verified)" or "other IDX data". */
        public String kind() {
            return MnistIdentity.describe(mnist);
        }
    }

    /**
     * The names of the classes, and "digit" or "class": the data's verdict when the report names its data, else
     * the training data's (from the model's sums).
     */
    public ClassNames classNames() {
        int classes = metrics.test() != null ? metrics.test().classes()
                : metrics.train() != null ? metrics.train().classes() : model != null ? model.layers()[2] : 10;
        boolean mnist = data != null ? data.mnist() : model != null && MnistIdentity.isMnist(model.dataSha256());
        List<String> names = model != null && model.classNames() != null && model.classNames().size() == classes
                ? model.classNames() : null;
        return ClassNames.of(names, classes, mnist);
    }

    /**
     * What the training loop recorded.
     *
     * @param phases         this run's phases, in order
     * @param loss           logged (phase, iteration, loss) points
     * @param accuracy       sampled test accuracy points, empty unless measured
     * @param accuracySample records in the accuracy sample
     */
    public record Curves(List<PhaseConfig> phases, List<LossPoint> loss, List<AccuracyPoint> accuracy,
                         int accuracySample) {
        public Curves {
            phases = List.copyOf(phases);
            loss = List.copyOf(loss);
            accuracy = accuracy == null ? List.of() : List.copyOf(accuracy);
        }
    }

    /**
     * What each of the curves' phases ran when the convergence check ({@code --tol}) stopped the run, as the
     * model's {@code metrics.convergence} records it; empty when every phase ran as configured, or there are no
     * curves or no record of theirs.
     */
    List<PhaseRun> stoppedPhases() {
        return perCurvePhase(Convergence::stoppedPhases);
    }

    /**
     * How each of the curves' phases ran on the run's partitions, as the model's {@code metrics.plan} records it
     * ({@link RunPlan}); empty when there are no curves or no record of theirs (a model written before it).
     */
    List<RunPlan.Phase> plannedPhases() {
        return perCurvePhase(RunPlan::phasesOf);
    }

    /** What {@code record} reads from the model's metrics, when it holds one entry per curve phase; else none. */
    private <T> List<T> perCurvePhase(Function<Map<String, Object>, List<T>> record) {
        if (curves == null || model == null) {
            return List.of();
        }
        List<T> perPhase = record.apply(model.metrics());
        return perPhase.size() == curves.phases().size() ? perPhase : List.of();
    }

    /** Every file of the report, name to content, {@code report.html} last. */
    public Map<String, byte[]> files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (curves != null && !curves.loss().isEmpty()) {
            files.put(LOSS_PNG, LossChart.png(curves.phases(), plannedPhases(), stoppedPhases(), curves.loss(),
                    curves.accuracy(), curves.accuracySample()));
        }
        ClassNames names = classNames();
        if (metrics.test() != null) {
            files.put(CONFUSION_PNG, ConfusionChart.png(metrics.test(), "Test set confusion matrix", names));
        }
        if (!mistakes.isEmpty()) {
            files.put(MISTAKES_PNG, MistakeGallery.png(mistakes, imageRows, imageCols, names));
        }
        if (samples != null && !samples.tiles().isEmpty()) {
            files.put(SAMPLES_PNG, samples.captioned(names).png(MistakeGallery.SCALE));
        }
        files.put(REPORT_HTML, ReportHtml.render(this, files.keySet()));
        return files;
    }

    /**
     * Writes the report into {@code dir} (any Hadoop path, created if missing). Each file is written under a
     * temporary name and renamed into place, the page last, so a reader never sees a half-written file.
     */
    public void write(String dir) {
        Path root = new Path(dir);
        for (Map.Entry<String, byte[]> f : files().entrySet()) {
            UserFiles.write(new Path(root, f.getKey()), f.getValue());
        }
    }
}
