package dev.sparkmnist.ml;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.PixelStatistics;
import dev.sparkmnist.eval.ConfusionMatrix;
import dev.sparkmnist.eval.Evaluator;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.pipeline.Presets;
import dev.sparkmnist.pipeline.TrainingJob;
import dev.sparkmnist.collective.EnginePlanner;
import dev.sparkmnist.train.Convergence;
import dev.sparkmnist.train.DistributedTrainer;
import dev.sparkmnist.train.LearningRateSchedule;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.ProgressLogger;
import dev.sparkmnist.train.RunPlan;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingState;

/**
 * The spark.ml Estimator of the 784-H-K tanh/softmax network (K classes, from the labels): put it in a
 * {@code Pipeline}, tune it with {@code CrossValidator}, evaluate its output with
 * {@code MulticlassClassificationEvaluator}. {@code fit} turns the DataFrame's (label, features) rows into the
 * compact byte blocks ({@link FrameBlocks}) and trains them with the same {@link DistributedTrainer} as
 * {@code ./submit.sh train}, with one phase made of this estimator's params (their defaults are the {@code default}
 * preset's); the result is a {@link MnistMlpClassificationModel}.
 *
 * <p>Written in Java as a subclass of {@link ProbabilisticClassifier}, as spark.ml expects; the one departure from
 * a Scala implementation is {@link ConstructionUid}, which gives the inherited Scala params their owner's uid.
 * {@code featuresCol} holds 784-element vectors (images of 28x28, or {@code inputSize}) of pixel values 0..255, or
 * 0..1 with {@code featureRange = "unit"}; {@code labelCol} holds class numbers 0..K-1 (K up to 256: the largest
 * label plus one, or the {@code initialModel}'s). Spark's shared param names ({@code maxIter}, {@code stepSize},
 * {@code regParam}, {@code blockSize}, {@code seed}, {@code tol}, MLPC's {@code layers}) work beside this
 * estimator's earlier ones, kept as aliases. Params are checked when set; the data is checked row by row, and a bad
 * row stops {@code fit} with one message naming the column.
 */
public final class MnistMlpClassifier
        extends ProbabilisticClassifier<Vector, MnistMlpClassifier, MnistMlpClassificationModel>
        implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MnistMlpClassifier.class);
    private static final PhaseConfig DEFAULTS = Presets.DEFAULT.phases().get(0);

    private final String uid;
    private final IntParam hiddenUnits;
    private final Param<String> scaling;
    private final Param<String> featureRange;
    private final IntParam inputSize;
    private final IntParam iterations;
    private final DoubleParam epochs;
    private final IntParam batchSize;
    private final DoubleParam learningRate;
    private final DoubleParam lambda;
    private final DoubleParam momentum;
    private final IntParam localSteps;
    private final Param<String> schedule;
    private final LongParam seed;
    private final Param<String> initialModel;
    private final IntParam maxPartitions;
    private final IntParam logEvery;
    // Spark's shared names (HasMaxIter, HasStepSize, HasRegParam, HasBlockSize, MLPC's layers); today's names above
    // stay as their aliases. Defined here rather than mixed in: a Java class cannot run a Scala trait's val
    // initialisers, which those traits need.
    private final IntParam maxIter;
    private final DoubleParam stepSize;
    private final DoubleParam regParam;
    private final IntParam blockSize;
    private final IntArrayParam layers;
    private final DoubleParam tol;

    public MnistMlpClassifier() {
        this(Identifiable$.MODULE$.randomUID("mnistMlp"));
    }

    /** With a given uid; spark.ml's {@code copy} and persistence call this. */
    public MnistMlpClassifier(String uid) {
        this(ConstructionUid.stash(uid), true);
    }

    private MnistMlpClassifier(String uid, boolean stashed) {
        super();
        this.uid = uid;
        ConstructionUid.clear();
        hiddenUnits = new IntParam(this, "hiddenUnits", "hidden tanh units H (1..100000)",
                ParamValidators.inRange(1, 100_000));
        scaling = new Param<>(this, "scaling", "how pixels become network inputs: raw (0..255), unit (0..1) or "
                + "standard (mean 0, variance 1 over MNIST)", ParamValidators.inArray(new String[] {"raw", "unit",
                "standard"}));
        featureRange = new Param<>(this, "featureRange", "how featuresCol's values are given: pixels (0..255) "
                + "or unit (0..1)", ParamValidators.inArray(FeatureRange.NAMES));
        inputSize = new IntParam(this, "inputSize", "values per features vector (pixels per image) of a new "
                + "network; a warm start takes its initialModel's", ParamValidators.inRange(1, 1 << 20));
        iterations = new IntParam(this, "iterations", "mini-batches to train", ParamValidators.gtEq(1));
        epochs = new DoubleParam(this, "epochs", "passes over the data to train, instead of iterations when > 0",
                ParamValidators.gtEq(0));
        batchSize = new IntParam(this, "batchSize", "samples per mini-batch, over all partitions",
                ParamValidators.gtEq(1));
        learningRate = new DoubleParam(this, "learningRate", "step size on the batch-summed gradient",
                ParamValidators.gt(0));
        lambda = new DoubleParam(this, "lambda", "L2 regularisation strength", ParamValidators.gtEq(0));
        momentum = new DoubleParam(this, "momentum", "momentum in [0, 1), "
                + "Nesterov's form (with label smoothing 0.1 and shuffled epochs, as the default preset)",
                ParamValidators.inRange(0, 1, true, false));
        localSteps = new IntParam(this, "localSteps", "optimiser steps per partition per Spark job before the "
                + "partitions' models are averaged; 1 is exact synchronous SGD; 0 = auto: 32 on 2 partitions, 16 on 4, "
                + "1 from 5 on (the default)", ParamValidators.gtEq(0));
        schedule = new Param<>(this, "schedule", "learning rate within the run: constant or cosine",
                ParamValidators.inArray(new String[] {"constant", "cosine"}));
        seed = new LongParam(this, "seed", "seeds the initial weights and every mini-batch draw");
        initialModel = new Param<>(this, "initialModel", "model directory (CLI- or spark.ml-saved) to continue "
                + "training from; its width and scaling are kept");
        maxPartitions = new IntParam(this, "maxPartitions", "training partitions at most (the DataFrame's are "
                + "coalesced to this many; the default keeps its accuracy up to 64)", ParamValidators.gtEq(1));
        logEvery = new IntParam(this, "logEvery", "iterations between progress log lines", ParamValidators.gtEq(1));
        maxIter = new IntParam(this, "maxIter", "maximum number of iterations (>= 1): mini-batches to train; alias "
                + "iterations", ParamValidators.gtEq(1));
        stepSize = new DoubleParam(this, "stepSize", "step size to be used for each iteration of optimization "
                + "(> 0), on the batch-summed gradient; alias learningRate", ParamValidators.gt(0));
        regParam = new DoubleParam(this, "regParam", "regularization parameter (>= 0): L2 strength; alias lambda",
                ParamValidators.gtEq(0));
        blockSize = new IntParam(this, "blockSize", "block size for stacking input data in matrices: samples per "
                + "mini-batch, over all partitions; alias batchSize", ParamValidators.gtEq(1));
        layers = new IntArrayParam(this, "layers", "sizes of layers from input layer to output layer: [inputs, "
                + "hidden, classes]; the last must be the data's number of classes; sets inputSize and hiddenUnits",
                (scala.Function1<int[], Object>) MnistMlpClassifier::validLayers);
        tol = new DoubleParam(this, "tol", "the convergence tolerance for iterative algorithms (>= 0): training "
                + "stops once an epoch's mean loss improves on the previous epoch's by a relative amount below it; "
                + "0 = off", (scala.Function1<Object, Object>) v -> Double.isFinite((Double) v) && (Double) v >= 0);
        setDefault(hiddenUnits, Presets.DEFAULT.hidden());
        setDefault(scaling, Presets.DEFAULT.scaling().name().toLowerCase(Locale.ROOT));
        setDefault(featureRange, "pixels");
        setDefault(inputSize, 784);
        setDefault(iterations, (int) DEFAULTS.iterations());
        setDefault(epochs, 0.0);
        setDefault(batchSize, DEFAULTS.batchSize());
        setDefault(learningRate, DEFAULTS.learningRate());
        setDefault(lambda, DEFAULTS.lambda());
        setDefault(momentum, DEFAULTS.momentum());
        setDefault(localSteps, DEFAULTS.localSteps());
        setDefault(schedule, DEFAULTS.schedule().name().toLowerCase(Locale.ROOT));
        setDefault(seed, 42L);
        setDefault(maxPartitions, 64);
        setDefault(logEvery, 100);
        setDefault(maxIter, (int) DEFAULTS.iterations());
        setDefault(stepSize, DEFAULTS.learningRate());
        setDefault(regParam, DEFAULTS.lambda());
        setDefault(blockSize, DEFAULTS.batchSize());
        // Not MLPC's 1e-6: the presets are tuned to a fixed number of epochs (and the notebook's is reproduced
        // exactly), so by default every iteration asked for runs.
        setDefault(tol, 0.0);
    }

    @Override
    public String uid() {
        return uid != null ? uid : ConstructionUid.pending();
    }

    /** Reads an estimator saved with {@code write().save(path)} (its params only). */
    public static MLReader<MnistMlpClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static MnistMlpClassifier load(String path) {
        return read().load(path);
    }

    @Override
    public MnistMlpClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        FrameColumns.requireVector(schema, "featuresCol", getFeaturesCol());
        FrameColumns.requireNumeric(schema, "labelCol", getLabelCol());
        return super.transformSchema(schema);
    }

    @Override
    public MnistMlpClassificationModel train(Dataset<?> dataset) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        SavedModel parent = isDefined(initialModel) ? ModelStore.load(value(initialModel)) : null;
        InputScaling inputScaling = parent != null && !isSet(scaling)
                ? MnistMlpClassificationModel.scalingOf(parent.metadata())
                : InputScaling.of(InputScaling.Kind.parse(value(scaling)));
        int[] shape = isSet(layers) ? getOrDefault(layers) : null;
        int hidden = shape != null ? agreeing(hiddenUnits, shape[1]) : parent != null && !isSet(hiddenUnits)
                ? parent.network().sizes().hidden() : value(hiddenUnits);
        int inputs = parent != null ? parent.network().sizes().inputs() : shape != null ? shape[0] : value(inputSize);
        int batch = resolved(blockSize, batchSize);
        FrameBlocks.Blocks blocks = FrameBlocks.of(dataset, new FrameBlocks.RowSpec(getLabelCol(), getFeaturesCol(),
                FeatureRange.of(value(featureRange)), inputs), value(maxPartitions));
        try {
            long iters = value(epochs) > 0 ? Math.max(1, (long) Math.ceil(value(epochs) * blocks.records() / batch))
                    : resolved(maxIter, iterations);
            PhaseConfig phase = new PhaseConfig(iters, batch, resolved(stepSize, learningRate),
                    resolved(regParam, lambda), value(momentum), value(localSteps),
                    LearningRateSchedule.valueOf(value(schedule).toUpperCase(Locale.ROOT)),
                    DEFAULTS.nesterov(), DEFAULTS.labelSmoothing());
            TrainingConfig config = TrainingJob.resolveScaling(new TrainingConfig(hidden, value(seed), inputScaling,
                    blocks.rdd().getNumPartitions(), value(logEvery), List.of(phase)).withTol(value(tol)),
                    inputScaling.needsStatistics() ? PixelStatistics.of(blocks.rdd()) : null);
            int classes = classes(parent, blocks.classSpan());
            if (shape != null && shape[2] != classes) {
                throw new BadInputException("layers " + java.util.Arrays.toString(shape) + ": the data has " + classes
                        + " classes, so the last layer must have " + classes + " units");
            }
            Network start = parent != null ? continued(parent, config)
                    : Network.initialise(new LayerSizes(inputs, hidden, classes), config.seed());
            LOG.info("fit: {} records in {} partitions, {}", blocks.records(), config.partitions(), start.sizes());
            long t0 = System.nanoTime();
            TrainingState end = new DistributedTrainer(sc, config, Presets.DEFAULT.sampling().sampler(),
                    List.of(new ProgressLogger(config.logEvery(), config.totalIterations(), 1)),
                    EnginePlanner.choose(sc, config, config.partitions(), start.sizes()))
                    .train(blocks.rdd(), TrainingState.start(start));
            double seconds = (System.nanoTime() - t0) / 1e9;
            // The resolved scaling (standard's learnt values), the one saved with the model and used to score.
            ConfusionMatrix train = Evaluator.confusion(sc, blocks.rdd(), end.network(), config.scaling());
            LOG.info("fit: trained in {} s, training accuracy {}", String.format(Locale.ROOT, "%.1f", seconds),
                    train.accuracy());
            return new MnistMlpClassificationModel(uid(), new SavedModel(end.network(),
                    metadata(sc, config, parent, end, train, blocks.records(), seconds)));
        } finally {
            blocks.rdd().unpersist(false);
        }
    }

    /**
     * K: the initial model's outputs (the labels must be among them), else the largest label plus one; a
     * {@code numClasses} param would only restate the data, as in spark.ml's own classifiers.
     */
    private int classes(SavedModel parent, int span) {
        if (parent == null) {
            if (span < 2) {
                throw new BadInputException("labelCol '" + getLabelCol() + "': every label is 0; a classifier needs "
                        + "at least 2 classes");
            }
            return span;
        }
        int classes = parent.network().sizes().outputs();
        if (span > classes) {
            throw new BadInputException(String.format("labelCol '%s': label %d is not one of the %d classes of "
                    + "initialModel %s", getLabelCol(), span - 1, classes, value(initialModel)));
        }
        return classes;
    }

    /**
     * The value of a param known by Spark's name ({@code canonical}) and by this estimator's earlier one
     * ({@code alias}): whichever is set (a ParamMap or a saved estimator may set either); both set must agree.
     */
    private int resolved(IntParam canonical, IntParam alias) {
        return (Integer) either(canonical, alias);
    }

    private double resolved(DoubleParam canonical, DoubleParam alias) {
        return (Double) either(canonical, alias);
    }

    private Object either(Param<Object> canonical, Param<Object> alias) {
        Object a = getOrDefault(alias);
        Object c = getOrDefault(canonical);
        if (isSet(canonical) && isSet(alias) && !a.equals(c)) {
            throw new BadInputException(canonical.name() + " " + c + " and its alias " + alias.name() + " " + a
                    + " disagree; set one of them");
        }
        return isSet(alias) && !isSet(canonical) ? a : c;
    }

    /** {@code fromLayers} (the hidden width {@code layers} gives), refused when {@code param} is set otherwise. */
    private int agreeing(IntParam param, int fromLayers) {
        if (isSet(param) && value(param) != fromLayers) {
            throw new BadInputException("layers gives " + fromLayers + " hidden units but " + param.name() + " is "
                    + value(param) + "; set one of them");
        }
        return fromLayers;
    }

    private static boolean validLayers(int[] sizes) {
        return sizes.length == 3 && sizes[0] >= 1 && sizes[0] <= 1 << 20 && sizes[1] >= 1 && sizes[1] <= 100_000
                && sizes[2] >= 2 && sizes[2] <= dev.sparkmnist.data.ClassCount.MAX;
    }

    /** The initial model's network, checked against what this estimator was asked for. */
    private Network continued(SavedModel parent, TrainingConfig config) {
        LayerSizes s = parent.network().sizes();
        String path = value(initialModel);
        if (s.hidden() != config.hidden()) {
            throw new BadInputException("hiddenUnits " + config.hidden() + " differs from the " + s.hidden()
                    + " hidden units of initialModel " + path + "; leave hiddenUnits unset to continue it");
        }
        if (parent.metadata().scaling().kind() != config.scaling().kind()) {
            throw new BadInputException("scaling " + value(scaling) + " differs from initialModel " + path + "'s "
                    + parent.metadata().inputScaling() + "; leave scaling unset to continue it");
        }
        return parent.network().copy();
    }

    private ModelMetadata metadata(JavaSparkContext sc, TrainingConfig config, SavedModel parent, TrainingState end,
                                   ConfusionMatrix train, long records, double seconds) {
        List<PhaseConfig> phases = new ArrayList<>();
        if (parent != null) {
            phases.addAll(parent.metadata().phases());
        }
        phases.addAll(config.phases());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("trainAccuracy", train.accuracy());
        metrics.put("trainingRecords", records);
        metrics.put("trainingSeconds", seconds);
        RunPlan.of(config, config.partitions()).record(metrics);
        Convergence.record(metrics, Convergence.summary(config, config.partitions(), end));
        LayerSizes s = end.network().sizes();
        return new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.FORMAT_VERSION,
                new int[] {s.inputs(), s.hidden(), s.outputs()}, "tanh", "softmax",
                config.scaling().kind().word(), ModelMetadata.InputTransform.of(config.scaling()),
                parent != null ? parent.metadata().classNames() : null, config.seed(), phases,
                parent != null ? value(initialModel) : null, null, Map.of(), metrics, TrainingJob.VERSION,
                sc.version(), Instant.now().toString(), ModelMetadata.WEIGHT_FILES);
    }

    // Params: accessors (found by spark.ml through reflection), getters and setters.

    public IntParam hiddenUnits() {
        return hiddenUnits;
    }

    public Param<String> scaling() {
        return scaling;
    }

    public Param<String> featureRange() {
        return featureRange;
    }

    public IntParam inputSize() {
        return inputSize;
    }

    public IntParam iterations() {
        return iterations;
    }

    public DoubleParam epochs() {
        return epochs;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public DoubleParam learningRate() {
        return learningRate;
    }

    public DoubleParam lambda() {
        return lambda;
    }

    public DoubleParam momentum() {
        return momentum;
    }

    public IntParam localSteps() {
        return localSteps;
    }

    public Param<String> schedule() {
        return schedule;
    }

    public LongParam seed() {
        return seed;
    }

    public Param<String> initialModel() {
        return initialModel;
    }

    public IntParam maxPartitions() {
        return maxPartitions;
    }

    public IntParam logEvery() {
        return logEvery;
    }

    public IntParam maxIter() {
        return maxIter;
    }

    public DoubleParam stepSize() {
        return stepSize;
    }

    public DoubleParam regParam() {
        return regParam;
    }

    public IntParam blockSize() {
        return blockSize;
    }

    /**
     * Spark's convergence tolerance: {@code fit} stops once an epoch's mean training loss improves on the previous
     * epoch's by a relative amount below it ({@code dev.sparkmnist.train.Convergence}). The default is 0 (off),
     * not MLPC's 1e-6: this estimator's defaults are the {@code default} preset's, tuned to a fixed number of
     * iterations, which then all run.
     */
    public DoubleParam tol() {
        return tol;
    }

    public double getTol() {
        return value(tol);
    }

    public MnistMlpClassifier setTol(double value) {
        return with(tol, (Object) value);
    }

    public IntArrayParam layers() {
        return layers;
    }

    public int getHiddenUnits() {
        return isSet(layers) ? getOrDefault(layers)[1] : value(hiddenUnits);
    }

    /** The step size, set as {@code stepSize} or as {@code learningRate}. */
    public double getLearningRate() {
        return resolved(stepSize, learningRate);
    }

    public double getStepSize() {
        return resolved(stepSize, learningRate);
    }

    public int getMaxIter() {
        return resolved(maxIter, iterations);
    }

    public double getRegParam() {
        return resolved(regParam, lambda);
    }

    public int getBlockSize() {
        return resolved(blockSize, batchSize);
    }

    public MnistMlpClassifier setMaxIter(int value) {
        return with(maxIter, (Object) value);
    }

    public MnistMlpClassifier setStepSize(double value) {
        return with(stepSize, (Object) value);
    }

    public MnistMlpClassifier setRegParam(double value) {
        return with(regParam, (Object) value);
    }

    public MnistMlpClassifier setBlockSize(int value) {
        return with(blockSize, (Object) value);
    }

    /** {@code [inputs, hidden, classes]}, as spark.ml's MultilayerPerceptronClassifier takes them. */
    public MnistMlpClassifier setLayers(int[] value) {
        return with(layers, value);
    }

    public MnistMlpClassifier setHiddenUnits(int value) {
        return with(hiddenUnits, value);
    }

    public MnistMlpClassifier setScaling(String value) {
        return with(scaling, value);
    }

    public MnistMlpClassifier setFeatureRange(String value) {
        return with(featureRange, value);
    }

    public MnistMlpClassifier setInputSize(int value) {
        return with(inputSize, value);
    }

    public MnistMlpClassifier setIterations(int value) {
        return with(iterations, value);
    }

    public MnistMlpClassifier setEpochs(double value) {
        return with(epochs, value);
    }

    public MnistMlpClassifier setBatchSize(int value) {
        return with(batchSize, value);
    }

    public MnistMlpClassifier setLearningRate(double value) {
        return with(learningRate, value);
    }

    public MnistMlpClassifier setLambda(double value) {
        return with(lambda, value);
    }

    public MnistMlpClassifier setMomentum(double value) {
        return with(momentum, value);
    }

    public MnistMlpClassifier setLocalSteps(int value) {
        return with(localSteps, value);
    }

    public MnistMlpClassifier setSchedule(String value) {
        return with(schedule, value);
    }

    public MnistMlpClassifier setSeed(long value) {
        return with(seed, value);
    }

    public MnistMlpClassifier setInitialModel(String modelDirectory) {
        return with(initialModel, modelDirectory);
    }

    public MnistMlpClassifier setMaxPartitions(int value) {
        return with(maxPartitions, value);
    }

    public MnistMlpClassifier setLogEvery(int value) {
        return with(logEvery, value);
    }

    private <T> MnistMlpClassifier with(Param<T> param, T value) {
        set(param, value);
        return this;
    }

    private int value(IntParam param) {
        return (Integer) getOrDefault(param);
    }

    private double value(DoubleParam param) {
        return (Double) getOrDefault(param);
    }

    private long value(LongParam param) {
        return (Long) getOrDefault(param);
    }

    private String value(Param<String> param) {
        return getOrDefault(param);
    }
}
