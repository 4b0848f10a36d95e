package dev.sparkmnist.pipeline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.checkpoint.CheckpointOptions;
import dev.sparkmnist.checkpoint.CheckpointSession;
import dev.sparkmnist.checkpoint.ConfigFingerprint;
import dev.sparkmnist.data.ClassCount;
import dev.sparkmnist.data.ClassNames;
import dev.sparkmnist.data.ContentDigest;
import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.IdxRddLoader.LoadedSet;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.data.PixelStatistics;
import dev.sparkmnist.eval.ConfusionMatrix;
import dev.sparkmnist.eval.Evaluator;
import dev.sparkmnist.eval.Metrics;
import dev.sparkmnist.eval.SampledTestAccuracy;
import dev.sparkmnist.fetch.MnistIdentity;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.report.DigitSample;
import dev.sparkmnist.report.RunReport;
import dev.sparkmnist.train.BatchSampler;
import dev.sparkmnist.train.CacheRebalancer;
import dev.sparkmnist.collective.EnginePlanner;
import dev.sparkmnist.train.Convergence;
import dev.sparkmnist.train.DistributedTrainer;
import dev.sparkmnist.train.PhaseEngine;
import dev.sparkmnist.train.InvalidConfigException;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.TaskClock;
import dev.sparkmnist.train.ProgressLogger;
import dev.sparkmnist.train.RunPlan;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingDivergedException;
import dev.sparkmnist.train.TrainingListener;
import dev.sparkmnist.train.TrainingState;

/**
 * One whole training run: load the MNIST files into cached RDDs, start from a fresh or saved network, train
 * every phase, evaluate on the training and test sets, and save the model directory with {@code metrics.json} and
 * the run report ({@code loss.png}, {@code confusion.png}, {@code mistakes.png}, {@code report.html}).
 */
public final class TrainingJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);
    public static final String VERSION = "0.1.0";
    private TrainingJob() {
    }

    /**
     * What to run.
     *
     * @param dataDir  folder with the four MNIST IDX files
     * @param outDir   model directory to write (replaced atomically)
     * @param config   the training configuration
     * @param initFrom saved model to continue from, or null to initialise from the seed
     * @param sampler  how mini-batches are drawn
     * @param evalEvery iterations between sampled test-accuracy measurements for the report's curve; 0 for none
     * @param classNames the classes' names (validated against the model's outputs), or null for the numbers
     * @param validation how many of the last training records to hold out of training and evaluate the model on
     *                   (0: none); refused when negative or not less than the training records
     */
    public record Spec(String dataDir, String outDir, TrainingConfig config, String initFrom, BatchSampler sampler,
                       long evalEvery, List<String> classNames, int validation) {
        public Spec {
            if (validation < 0) {
                throw new InvalidConfigException("--validation must be 0 or more records, got " + validation);
            }
        }

        public Spec(String dataDir, String outDir, TrainingConfig config, String initFrom, BatchSampler sampler,
                    long evalEvery, List<String> classNames) {
            this(dataDir, outDir, config, initFrom, sampler, evalEvery, classNames, 0);
        }

        public Spec(String dataDir, String outDir, TrainingConfig config, String initFrom, BatchSampler sampler) {
            this(dataDir, outDir, config, initFrom, sampler, 0, null);
        }
    }

    /**
     * What a run produced.
     *
     * @param end where training ended: after the last phase, or where the convergence check stopped it
     */
    public record Result(Network network, Metrics metrics, ModelMetadata metadata, double trainingSeconds,
                         List<ProgressLogger.LossPoint> lossHistory, TrainingState end) {
        /** The model's class names, called digits when it was trained on MNIST. */
        public ClassNames classNames() {
            return ClassNames.of(metadata.classNames(), metadata.layers()[2],
                    MnistIdentity.isMnist(metadata.dataSha256()));
        }
    }

    public static Result run(JavaSparkContext sc, Spec spec, List<TrainingListener> extraListeners) {
        return run(sc, spec, extraListeners, CheckpointOptions.DISABLED);
    }

    /** Runs with checkpoints: resumes from the newest one of the same configuration, and writes new ones. */
    public static Result run(JavaSparkContext sc, Spec spec, List<TrainingListener> extraListeners,
                             CheckpointOptions checkpoints) {
        MnistFiles.Split trainFiles = MnistFiles.train(spec.dataDir());
        MnistFiles.Split testFiles = MnistFiles.test(spec.dataDir());
        int trainRecords = (int) IdxReader.readHeader(trainFiles.labels(), IdxKind.LABELS).count();
        if (spec.validation() >= trainRecords) {
            throw new InvalidConfigException("--validation " + spec.validation() + " must be less than the "
                    + trainRecords + " training records in " + trainFiles.labels());
        }
        int kept = trainRecords - spec.validation();
        LoadedSet train = IdxRddLoader.load(sc, trainFiles, spec.config().partitions(), 0, kept);
        LoadedSet validation = spec.validation() == 0 ? null
                : IdxRddLoader.load(sc, trainFiles, spec.config().partitions(), kept, spec.validation());
        if (validation != null) {
            LOG.info("validation: the last {} training records ({}..{}) are held out of training", spec.validation(),
                    kept, trainRecords);
        }
        LoadedSet test = IdxRddLoader.load(sc, testFiles, spec.config().partitions());

        SavedModel parent = spec.initFrom() == null ? null : ModelStore.load(spec.initFrom());
        requireSameScalingKind(parent, spec.config());
        Map<String, String> sums = dataSha256(trainFiles, testFiles);
        boolean mnist = MnistIdentity.isMnist(sums);
        int classes = classCount(spec, parent, trainFiles, testFiles, train, validation, test);
        List<String> classNames = classNames(spec, parent, classes);
        long t0 = System.nanoTime();
        PixelStatistics pixels = PixelStatistics.of(train.blocks()); // also fills the cache
        LOG.info("training set cached: {} records in {} partitions ({} s); {}", train.count(),
                train.blocks().getNumPartitions(), String.format("%.1f", (System.nanoTime() - t0) / 1e9),
                String.format(Locale.ROOT, "pixel mean %.4f, std %.4f (0..255)", pixels.mean(), pixels.std()));
        TrainingConfig config = resolveScaling(spec.config(), pixels);
        Network start = startingNetwork(parent, config, train.pixelsPerImage(), classes);
        Map<String, Object> described = ConfigFingerprint.describe(config, sums, spec.sampler(), spec.validation());
        CheckpointSession session = CheckpointSession.open(checkpoints, spec.outDir(), described,
                ConfigFingerprint.of(described, start), TrainingState.start(start));
        BlasReport.log(sc);

        ProgressLogger progress = new ProgressLogger(config.logEvery(), config.totalIterations(),
                config.phases().size());
        progress.resumeAt(session.startState().globalStep());
        List<TrainingListener> listeners = new ArrayList<>();
        listeners.add(progress);
        listeners.addAll(extraListeners);
        SampledTestAccuracy accuracyProbe = spec.evalEvery() > 0 ? SampledTestAccuracy.firstRecords(testFiles,
                SampledTestAccuracy.DEFAULT_SAMPLE, config.scaling(), spec.evalEvery()) : null;
        if (accuracyProbe != null) {
            listeners.add(accuracyProbe);
        }
        listeners.add(session.listener());
        long trainStart = System.nanoTime();
        TaskClock.reset();
        TrainingState end;
        try (CacheRebalancer rebalancer = new CacheRebalancer(sc, train.blocks())) {
            listeners.add(rebalancer);
            PhaseEngine engine = EnginePlanner.choose(sc, config, train.blocks().getNumPartitions(),
                    start.sizes());
            end = new DistributedTrainer(sc, config, spec.sampler(), listeners, engine)
                    .train(train.blocks(), session.startState());
        } catch (TrainingDivergedException e) {
            session.discard(); // the same configuration would diverge again from any of them
            throw e;
        }
        double trainingSeconds = (System.nanoTime() - trainStart) / 1e9;
        LOG.info("training took {} s", String.format("%.1f", trainingSeconds));
        if (!config.augmentation().isNone() && TaskClock.taskSeconds() > 0) { // tasks in this JVM: local mode
            LOG.info("distortions ({}): {} s of {} s inside tasks ({}%)", config.augmentation(),
                    String.format(Locale.ROOT, "%.1f", TaskClock.distortSeconds()),
                    String.format(Locale.ROOT, "%.1f", TaskClock.taskSeconds()),
                    String.format(Locale.ROOT, "%.1f", 100 * TaskClock.distortSeconds() / TaskClock.taskSeconds()));
        }

        Network trained = end.network();
        ConfusionMatrix trainCm = Evaluator.confusion(sc, train.blocks(), trained, config.scaling());
        Evaluator.Evaluation testEval = Evaluator.evaluate(sc, test.blocks(), trained, config.scaling(),
                RunReport.MISTAKES_SHOWN);
        ConfusionMatrix testCm = testEval.confusion();
        if (accuracyProbe != null && !accuracyProbe.history().isEmpty()) {
            SampledTestAccuracy.AccuracyPoint best = accuracyProbe.history().stream()
                    .max(java.util.Comparator.comparingDouble(SampledTestAccuracy.AccuracyPoint::accuracy)).get();
            LOG.info("best sampled test accuracy along the way {}% at iteration {} (first {} test records; for "
                            + "reference only: the model is the last one, never chosen by a test score)",
                    String.format(Locale.ROOT, "%.2f", 100 * best.accuracy()), best.iteration(),
                    accuracyProbe.sampleSize());
        }
        ConfusionMatrix validationCm = null;
        if (validation != null) {
            validationCm = Evaluator.confusion(sc, validation.blocks(), trained, config.scaling());
            validation.blocks().unpersist(false);
        }
        Metrics metrics = new Metrics(trainCm, testCm, validationCm);
        train.blocks().unpersist(false);
        test.blocks().unpersist(false);

        ModelMetadata meta = metadata(sc, spec, config, classNames, parent, end, metrics, sums, trainingSeconds,
                train.blocks().getNumPartitions());
        if (spec.outDir() != null) {
            try {
                Map<String, byte[]> extra = new LinkedHashMap<>();
                extra.put("metrics.json", Json.MAPPER.writeValueAsBytes(metrics.toJson()));
                RunReport.Curves curves = new RunReport.Curves(config.phases(), progress.history(),
                        accuracyProbe == null ? List.of() : accuracyProbe.history(),
                        accuracyProbe == null ? 0 : accuracyProbe.sampleSize());
                extra.put(RunReport.CURVES_JSON, Json.MAPPER.writeValueAsBytes(curves));
                extra.putAll(new RunReport("train: " + spec.outDir(), meta, metrics, curves, testEval.mistakes(),
                        test.images().rows(), test.images().cols(), new RunReport.DataSource(spec.dataDir(), mnist),
                        DigitSample.random(trainFiles, RunReport.SAMPLES_SHOWN, config.seed())).files());
                ModelStore.save(spec.outDir(), new SavedModel(trained, meta), extra);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            LOG.info("model written to {}", spec.outDir());
            session.discard();
        }
        return new Result(trained, metrics, meta, trainingSeconds, progress.history(), end);
    }

    private static Network startingNetwork(SavedModel parent, TrainingConfig config, int inputs, int classes) {
        if (parent == null) {
            LOG.info("{} classes (output units)", classes);
            return Network.initialise(new LayerSizes(inputs, config.hidden(), classes), config.seed());
        }
        LayerSizes s = parent.network().sizes();
        if (s.inputs() != inputs) {
            throw new InvalidConfigException("--init-from model expects " + s.inputs() + " inputs, the data has "
                    + inputs + " pixels per image");
        }
        if (s.hidden() != config.hidden()) {
            throw new InvalidConfigException("--hidden " + config.hidden() + " differs from the " + s.hidden()
                    + " hidden units of the --init-from model; leave --hidden out to continue it");
        }
        LOG.info("continuing from model {} ({}), on its input scaling {}", s,
                parent.metadata().phases().size() + " earlier phases", config.scaling().describe());
        return parent.network().copy();
    }

    /** A continued model keeps its kind of scaling (its values come with it, see {@code TrainingOptions}). */
    private static void requireSameScalingKind(SavedModel parent, TrainingConfig config) {
        if (parent != null && parent.metadata().scaling().kind() != config.scaling().kind()) {
            throw new InvalidConfigException("--scaling " + config.scaling().kind().word()
                    + " differs from the model's " + parent.metadata().inputScaling());
        }
    }

    /**
     * A standard scaling still to be learnt takes the training pixels' mean and standard deviation; any other
     * (raw, unit, or a continued model's stored values) stays as it is. Shared with the Spark ML estimator, so both
     * learn the same values from the same pixels.
     */
    public static TrainingConfig resolveScaling(TrainingConfig config, PixelStatistics pixels) {
        if (!config.scaling().needsStatistics()) {
            LOG.info("input scaling: {}", config.scaling().describe());
            return config;
        }
        if (!(pixels.std() > 0)) {
            throw new InvalidConfigException(String.format(Locale.ROOT, "--scaling standard: every training pixel "
                    + "has the value %.0f, so there is no spread to standardise; use --scaling unit", pixels.mean()));
        }
        InputScaling learnt = pixels.standardisation();
        LOG.info("input scaling: {}, learnt from {} training pixels", learnt.describe(), pixels.pixels());
        return config.withScaling(learnt);
    }

    /**
     * K, the model's classes: a continued model's outputs (the data's classes must be the same); else the number of
     * class names given ({@code --class-names} or {@code classes.txt}), which the labels must not exceed; else the
     * largest label of the training and test files plus one. Every label is checked against K before training.
     */
    private static int classCount(Spec spec, SavedModel parent, MnistFiles.Split trainFiles,
                                  MnistFiles.Split testFiles, LoadedSet train, LoadedSet validation, LoadedSet test) {
        int span = Math.max(ClassCount.span(train.labels()), ClassCount.span(test.labels()));
        if (validation != null) {
            span = Math.max(span, ClassCount.span(validation.labels()));
        }
        String widest = ClassCount.span(test.labels()) == span ? testFiles.labels() : trainFiles.labels();
        try {
            List<String> names = givenNames(spec);
            int fromData = ClassCount.fromData(span, names, namesSource(spec), widest);
            if (parent == null) {
                return fromData;
            }
            int classes = parent.network().sizes().outputs();
            if (fromData != classes) {
                throw new InvalidConfigException(String.format("--init-from %s has %d classes, but the data in %s "
                        + "has %d (%s); continue only a model of the same classes", spec.initFrom(), classes,
                        spec.dataDir(), fromData, names != null ? namesSource(spec) : "labels 0.." + (fromData - 1)));
            }
            return classes;
        } catch (IllegalArgumentException e) {
            throw e instanceof InvalidConfigException ? e : new InvalidConfigException(e.getMessage());
        }
    }

    /** {@code --class-names}, else the data folder's {@code classes.txt}, else null. */
    private static List<String> givenNames(Spec spec) {
        return spec.classNames() != null ? spec.classNames() : ClassNames.fromFolder(spec.dataDir());
    }

    private static String namesSource(Spec spec) {
        return spec.classNames() != null ? "--class-names" : spec.dataDir() + "/" + ClassNames.FILE;
    }

    /** {@code --class-names}, else the data folder's {@code classes.txt}, else the continued model's, else none. */
    private static List<String> classNames(Spec spec, SavedModel parent, int classes) {
        List<String> given = givenNames(spec);
        if (given != null) {
            try {
                return ClassNames.validate(given, classes, namesSource(spec));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(e.getMessage());
            }
        }
        return parent != null ? parent.metadata().classNames() : null;
    }

    /** The SHA-256 of each data file's uncompressed content, by file name, as {@code model.json} records them. */
    public static Map<String, String> dataSha256(MnistFiles.Split train, MnistFiles.Split test) {
        Map<String, String> sums = new LinkedHashMap<>();
        for (String f : new String[] {train.images(), train.labels(), test.images(), test.labels()}) {
            sums.put(new org.apache.hadoop.fs.Path(f).getName(), ContentDigest.sha256Uncompressed(f));
        }
        return sums;
    }

    private static ModelMetadata metadata(JavaSparkContext sc, Spec spec, TrainingConfig config,
                                          List<String> classNames, SavedModel parent, TrainingState end,
                                          Metrics metrics, Map<String, String> sums, double trainingSeconds,
                                          int partitions) {
        List<PhaseConfig> phases = new ArrayList<>();
        if (parent != null) {
            phases.addAll(parent.metadata().phases());
        }
        phases.addAll(spec.config().phases());
        Map<String, Object> m = new LinkedHashMap<>(metrics.summary());
        m.put("trainingSeconds", trainingSeconds);
        RunPlan.of(config, partitions).record(m);
        Convergence.record(m, Convergence.summary(config, partitions, end));
        LayerSizes s = end.network().sizes();
        return new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.FORMAT_VERSION,
                new int[] {s.inputs(), s.hidden(), s.outputs()}, "tanh", "softmax",
                config.scaling().kind().word(), ModelMetadata.InputTransform.of(config.scaling()), classNames,
                config.seed(), phases, spec.initFrom(), spec.dataDir(), sums, m, VERSION, sc.version(),
                Instant.now().toString(), ModelMetadata.WEIGHT_FILES,
                config.augmentation().isNone() ? null : config.augmentation().toString());
    }
}
