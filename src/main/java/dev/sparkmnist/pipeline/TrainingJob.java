package dev.sparkmnist.pipeline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.checkpoint.CheckpointOptions;
import dev.sparkmnist.checkpoint.CheckpointSession;
import dev.sparkmnist.checkpoint.ConfigFingerprint;
import dev.sparkmnist.data.ContentDigest;
import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.IdxRddLoader.LoadedSet;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.eval.ConfusionMatrix;
import dev.sparkmnist.eval.Evaluator;
import dev.sparkmnist.eval.Metrics;
import dev.sparkmnist.eval.SampledTestAccuracy;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.report.RunReport;
import dev.sparkmnist.train.BatchSampler;
import dev.sparkmnist.train.CacheRebalancer;
import dev.sparkmnist.train.DistributedTrainer;
import dev.sparkmnist.train.InvalidConfigException;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.ProgressLogger;
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
     */
    public record Spec(String dataDir, String outDir, TrainingConfig config, String initFrom, BatchSampler sampler,
                       long evalEvery) {
        public Spec(String dataDir, String outDir, TrainingConfig config, String initFrom, BatchSampler sampler) {
            this(dataDir, outDir, config, initFrom, sampler, 0);
        }
    }

    /** What a run produced. */
    public record Result(Network network, Metrics metrics, ModelMetadata metadata, double trainingSeconds,
                         List<ProgressLogger.LossPoint> lossHistory) {
    }

    public static Result run(JavaSparkContext sc, Spec spec, List<TrainingListener> extraListeners) {
        return run(sc, spec, extraListeners, CheckpointOptions.DISABLED);
    }

    /** Runs with checkpoints: resumes from the newest one of the same configuration, and writes new ones. */
    public static Result run(JavaSparkContext sc, Spec spec, List<TrainingListener> extraListeners,
                             CheckpointOptions checkpoints) {
        TrainingConfig config = spec.config();
        MnistFiles.Split trainFiles = MnistFiles.train(spec.dataDir());
        MnistFiles.Split testFiles = MnistFiles.test(spec.dataDir());
        LoadedSet train = IdxRddLoader.load(sc, trainFiles, config.partitions());
        LoadedSet test = IdxRddLoader.load(sc, testFiles, config.partitions());

        SavedModel parent = spec.initFrom() == null ? null : ModelStore.load(spec.initFrom());
        Network start = startingNetwork(parent, config, train.pixelsPerImage());
        Map<String, String> sums = dataSha256(trainFiles, testFiles);
        Map<String, Object> described = ConfigFingerprint.describe(config, sums, spec.sampler());
        CheckpointSession session = CheckpointSession.open(checkpoints, spec.outDir(), described,
                ConfigFingerprint.of(described, start), TrainingState.start(start));
        BlasReport.log(sc);
        long t0 = System.nanoTime();
        long cached = train.blocks().count();
        LOG.info("training set cached: {} records in {} partitions ({} s)", train.count(), cached,
                String.format("%.1f", (System.nanoTime() - t0) / 1e9));

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
        TrainingState end;
        try (CacheRebalancer rebalancer = new CacheRebalancer(sc, train.blocks())) {
            listeners.add(rebalancer);
            end = new DistributedTrainer(sc, config, spec.sampler(), listeners)
                    .train(train.blocks(), session.startState());
        } catch (TrainingDivergedException e) {
            session.discard(); // the same configuration would diverge again from any of them
            throw e;
        }
        double trainingSeconds = (System.nanoTime() - trainStart) / 1e9;
        LOG.info("training took {} s", String.format("%.1f", trainingSeconds));

        Network trained = end.network();
        ConfusionMatrix trainCm = Evaluator.confusion(sc, train.blocks(), trained, config.scaling());
        Evaluator.Evaluation testEval = Evaluator.evaluate(sc, test.blocks(), trained, config.scaling(),
                RunReport.MISTAKES_SHOWN);
        ConfusionMatrix testCm = testEval.confusion();
        Metrics metrics = new Metrics(trainCm, testCm);
        train.blocks().unpersist(false);
        test.blocks().unpersist(false);

        ModelMetadata meta = metadata(sc, spec, parent, trained, metrics, sums, trainingSeconds);
        if (spec.outDir() != null) {
            try {
                Map<String, byte[]> extra = new LinkedHashMap<>();
                extra.put("metrics.json", Json.MAPPER.writeValueAsBytes(metrics.toJson()));
                RunReport.Curves curves = new RunReport.Curves(config.phases(), progress.history(),
                        accuracyProbe == null ? List.of() : accuracyProbe.history(),
                        accuracyProbe == null ? 0 : accuracyProbe.sampleSize());
                extra.put(RunReport.CURVES_JSON, Json.MAPPER.writeValueAsBytes(curves));
                extra.putAll(new RunReport("train: " + spec.outDir(), meta, metrics, curves, testEval.mistakes(),
                        test.images().rows(), test.images().cols()).files());
                ModelStore.save(spec.outDir(), new SavedModel(trained, meta), extra);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            LOG.info("model written to {}", spec.outDir());
            session.discard();
        }
        return new Result(trained, metrics, meta, trainingSeconds, progress.history());
    }

    private static Network startingNetwork(SavedModel parent, TrainingConfig config, int inputs) {
        if (parent == null) {
            return Network.initialise(new LayerSizes(inputs, config.hidden(), 10), config.seed());
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
        if (!parent.metadata().inputScaling().equalsIgnoreCase(config.scaling().name())) {
            throw new InvalidConfigException("--scaling " + config.scaling().name().toLowerCase()
                    + " differs from the model's " + parent.metadata().inputScaling());
        }
        LOG.info("continuing from model {} ({}), on its {} input scaling", s,
                parent.metadata().phases().size() + " earlier phases", parent.metadata().inputScaling());
        return parent.network().copy();
    }

    private static Map<String, String> dataSha256(MnistFiles.Split train, MnistFiles.Split test) {
        Map<String, String> sums = new LinkedHashMap<>();
        for (String f : new String[] {train.images(), train.labels(), test.images(), test.labels()}) {
            sums.put(new org.apache.hadoop.fs.Path(f).getName(), ContentDigest.sha256Uncompressed(f));
        }
        return sums;
    }

    private static ModelMetadata metadata(JavaSparkContext sc, Spec spec, SavedModel parent, Network net,
                                          Metrics metrics, Map<String, String> sums, double trainingSeconds) {
        List<PhaseConfig> phases = new ArrayList<>();
        if (parent != null) {
            phases.addAll(parent.metadata().phases());
        }
        phases.addAll(spec.config().phases());
        Map<String, Object> m = new LinkedHashMap<>(metrics.summary());
        m.put("trainingSeconds", trainingSeconds);
        LayerSizes s = net.sizes();
        return new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.FORMAT_VERSION,
                new int[] {s.inputs(), s.hidden(), s.outputs()}, "tanh", "softmax",
                spec.config().scaling().name().toLowerCase(), spec.config().seed(), phases, spec.initFrom(), sums, m,
                VERSION, sc.version(), Instant.now().toString(), ModelMetadata.WEIGHT_FILES);
    }
}
