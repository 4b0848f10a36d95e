package dev.sparkmnist.ml;

import java.util.List;

import java.util.Locale;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.Combination;
import dev.sparkmnist.model.SavedCommittee;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.nn.BlockScorer;
import dev.sparkmnist.nn.ForwardPass;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.nn.Workspace;

/**
 * A trained network as a spark.ml model: {@code transform} adds {@code rawPrediction}, {@code probability} (the K
 * softmax outputs, K = {@link #numClasses()}) and {@code prediction} (the most probable class) to a DataFrame with
 * a features column. Trained by {@link MnistMlpClassifier} or by {@code ./submit.sh train}: both write, and this
 * class reads, the same model directory ({@code model.json} and the {@code .npy} weights, see {@code ModelStore}),
 * on any Hadoop path, through {@link #write()} and {@link #load(String)}.
 *
 * <p>{@code transform} scores each partition in blocks of rows ({@link BlockTransform}: one matrix product per layer
 * in single precision, {@link BlockScorer}), with the input scaling stored in the model; the weights reach each
 * executor once, as a broadcast. Its probabilities equal those {@code ./submit.sh evaluate} computes (the double
 * {@link ForwardPass}, which {@link #predictRaw} still runs for a single vector) to float rounding, 1e-6 at most on
 * MNIST. Since the pass ends in the softmax, {@code rawPrediction} holds the same K probabilities as
 * {@code probability} (spark.ml only asks that its largest entry be the prediction); spark.ml's own multilayer
 * perceptron puts the logits there instead.
 */
public final class MnistMlpClassificationModel
        extends ProbabilisticClassificationModel<Vector, MnistMlpClassificationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private static final ThreadLocal<Workspace> SCRATCH = new ThreadLocal<>();

    private final String uid;
    private final Network network;
    /** Every member of a committee, the network alone otherwise ({@code network} is the first). */
    private final List<Network> members;
    private final Combination combination;
    private final InputScaling scaling;
    /** What {@code model.json} says; only on the driver, for saving. */
    private final transient ModelMetadata metadata;
    /** The committee as loaded (only on the driver, for saving), or null for a single network. */
    private final transient SavedCommittee committee;
    private final Param<String> featureRange;
    /** The weights broadcast for {@link #transform}, made once per Spark context on first use (driver only). */
    private transient Broadcast<CommitteeScorer.Weights> broadcast;
    private transient SparkContext broadcastContext;

    /** A model for {@code saved}, e.g. {@code new MnistMlpClassificationModel(uid, ModelStore.load(dir))}. */
    public MnistMlpClassificationModel(String uid, SavedModel saved) {
        this(ConstructionUid.stash(uid), saved, true);
    }

    /**
     * A model for a committee's directory ({@code CommitteeStore.load(dir)}): {@code transform} scores with every
     * member and combines their probabilities as the committee's {@code model.json} says. A committee of one read
     * from a single network's directory is that network.
     */
    public MnistMlpClassificationModel(String uid, SavedCommittee committee) {
        this(ConstructionUid.stash(uid), committee.members().get(0), committee.isCommittee() ? committee : null);
    }

    private MnistMlpClassificationModel(String uid, SavedModel saved, boolean stashed) {
        this(uid, saved, (SavedCommittee) null);
    }

    private MnistMlpClassificationModel(String uid, SavedModel saved, SavedCommittee committee) {
        super();
        this.uid = uid;
        ConstructionUid.clear();
        this.network = saved.network();
        this.committee = committee;
        this.members = committee != null ? committee.networks() : List.of(network);
        this.combination = committee != null ? committee.combination() : Combination.MEAN_PROBABILITY;
        this.metadata = committee != null ? committee.metadata() : saved.metadata();
        this.scaling = scalingOf(this.metadata);
        featureRange = new Param<>(this, "featureRange", "how featuresCol's values are given: pixels (0..255) "
                + "or unit (0..1)", ParamValidators.inArray(FeatureRange.NAMES));
        setDefault(featureRange, "pixels");
    }

    /** The input scaling this model applies to pixel values 0..255. */
    InputScaling scaling() {
        return scaling;
    }

    /**
     * The input scaling a saved model was trained with: the one place the Spark ML API reads it, so a change in how
     * {@code model.json} stores it changes only this.
     */
    static InputScaling scalingOf(ModelMetadata metadata) {
        return metadata.scaling();
    }

    /** Loads a model directory written by {@link #write()} or by {@code ./submit.sh train}. */
    public static MnistMlpClassificationModel load(String path) {
        MnistMlpClassificationModel model = read().load(path);
        BlockScorer.warmUpInBackground(model.numFeatures()); // the scoring loops compile while Spark starts
        return model;
    }

    public static MLReader<MnistMlpClassificationModel> read() {
        return new ModelDirectoryReader();
    }

    /** Writes the model directory (model.json, weights, and the spark.ml params under {@code metadata/}). */
    @Override
    public MLWriter write() {
        return new ModelDirectoryWriter(this);
    }

    @Override
    public String uid() {
        return uid != null ? uid : ConstructionUid.pending();
    }

    /** The network and its {@code model.json} description (on the driver); a committee's first member. */
    public SavedModel savedModel() {
        return committee != null ? committee.members().get(0) : new SavedModel(network, metadata);
    }

    /** The committee this model scores with (on the driver); a single network as a committee of one. */
    public SavedCommittee committee() {
        return committee != null ? committee : SavedCommittee.of(savedModel());
    }

    @Override
    public int numClasses() {
        return network.sizes().outputs();
    }

    @Override
    public int numFeatures() {
        return network.sizes().inputs();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        FrameColumns.requireVector(schema, "featuresCol", getFeaturesCol());
        return super.transformSchema(schema);
    }

    /**
     * Appends {@code rawPrediction}, {@code probability} and {@code prediction} (those whose column param is not
     * empty, in that order, as spark.ml's transform does) to every row, scoring each partition a block of rows at a
     * time.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        String[] added = {getRawPredictionCol(), getProbabilityCol(), getPredictionCol()};
        double[] thresholds = isDefined(thresholds()) ? getThresholds() : null;
        if (thresholds != null && thresholds.length != numClasses()) {
            throw new BadInputException("thresholds has " + thresholds.length + " values; the model has "
                    + numClasses() + " classes");
        }
        if (added[0].isEmpty() && added[1].isEmpty() && added[2].isEmpty()) {
            return dataset.toDF(); // spark.ml's transform does the same: nothing to add
        }
        StructType schema = dataset.schema();
        for (String name : added) {
            if (!name.isEmpty()) {
                StructField field = out.apply(name);
                schema = schema.add(field);
            }
        }
        BlockTransform.Spec spec = new BlockTransform.Spec(dataset.schema().fieldIndex(getFeaturesCol()),
                getFeaturesCol(), FeatureRange.of(getOrDefault(featureRange)), scaling.factor(), scaling.offset(),
                !added[0].isEmpty(), !added[1].isEmpty(), !added[2].isEmpty(), thresholds);
        return BlockTransform.apply(dataset.toDF(), schema, weights(dataset.sparkSession().sparkContext()), spec);
    }

    /** The weights for block scoring, broadcast on {@code sc} once (again only after a new context). */
    synchronized Broadcast<CommitteeScorer.Weights> weights(SparkContext sc) {
        if (broadcast == null || broadcastContext != sc || sc.isStopped()) {
            broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(new CommitteeScorer.Weights(
                    members.stream().map(BlockScorer.Weights::of).toList(), combination));
            broadcastContext = sc;
        }
        return broadcast;
    }

    /** The K class probabilities of one image (see the class comment for why these are also the raw scores). */
    @Override
    public Vector predictRaw(Vector features) {
        int inputs = network.sizes().inputs();
        String column = "featuresCol '" + getFeaturesCol() + "'";
        if (features.size() != inputs) {
            throw new BadInputException(String.format("%s: a vector of %d values; the model takes %d", column,
                    features.size(), inputs));
        }
        FeatureRange range = FeatureRange.of(getOrDefault(featureRange));
        double factor = scaling.factor();
        double offset = scaling.offset();
        double[] values = features.toArray();
        double[] x = new double[inputs];
        for (int k = 0; k < inputs; k++) {
            if (!Double.isFinite(values[k])) {
                throw new BadInputException(String.format("%s: value %s at element %d", column, values[k], k));
            }
            x[k] = range.pixel(values[k]) * factor + offset;
        }
        int classes = network.sizes().outputs();
        double[][] each = new double[members.size()][];
        for (int i = 0; i < members.size(); i++) {
            Workspace ws = Workspace.fitting(SCRATCH.get(), members.get(i).sizes(), 1);
            SCRATCH.set(ws);
            System.arraycopy(x, 0, ws.x, 0, inputs);
            ForwardPass.run(members.get(i), ws, 1, false);
            each[i] = java.util.Arrays.copyOf(ws.probabilities(), classes);
        }
        double[] p = new double[classes];
        combination.combine(each, 0, classes, p, 0);
        return new DenseVector(p);
    }

    /** The raw scores are already probabilities. */
    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        return rawPrediction;
    }

    @Override
    public MnistMlpClassificationModel copy(ParamMap extra) {
        MnistMlpClassificationModel copy = committee != null ? new MnistMlpClassificationModel(uid, committee)
                : new MnistMlpClassificationModel(uid, savedModel());
        return copyValues(copy, extra).setParent(parent());
    }

    /**
     * spark.ml's own, unchanged. Declared only because javac sees this Scala method inherited twice with different
     * generic return types (Scala's covariant {@code Tuple3} has no Java equivalent) and needs one override.
     */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    public Param<String> featureRange() {
        return featureRange;
    }

    public MnistMlpClassificationModel setFeatureRange(String value) {
        set(featureRange, value);
        return this;
    }
}
