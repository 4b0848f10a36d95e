package dev.sparkmnist.committee;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.sparkmnist.checkpoint.CheckpointOptions;
import dev.sparkmnist.checkpoint.CheckpointStore;
import dev.sparkmnist.data.ClassCount;
import dev.sparkmnist.data.ClassNames;
import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.IdxRddLoader.LoadedSet;
import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.data.PixelStatistics;
import dev.sparkmnist.eval.CommitteeEvaluator;
import dev.sparkmnist.eval.Evaluator;
import dev.sparkmnist.eval.Metrics;
import dev.sparkmnist.fetch.MnistIdentity;
import dev.sparkmnist.model.Combination;
import dev.sparkmnist.model.CommitteeInfo;
import dev.sparkmnist.model.CommitteeStore;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.SavedCommittee;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.pipeline.TrainingJob;
import dev.sparkmnist.report.DigitSample;
import dev.sparkmnist.report.RunReport;
import dev.sparkmnist.train.BatchSampler;
import dev.sparkmnist.train.Convergence;
import dev.sparkmnist.train.InvalidConfigException;
import dev.sparkmnist.train.RunPlan;
import dev.sparkmnist.train.TrainingConfig;

/**
 * Trains a committee: every member is one Spark task on a whole copy of the training set (a model-parallel stage,
 * {@link MemberTask}), so K members train at once on K free executor cores with no exchange at all, and queue when
 * there are fewer. Then each member and the committee, under every {@link Combination}, are evaluated on the
 * training and test sets in one pass each; the combination with the higher training-set accuracy is chosen (the
 * test set never chooses anything) and recorded in {@code model.json} with every figure measured. The committee's
 * directory holds each member as a complete model directory ({@link CommitteeStore}).
 */
public final class CommitteeJob {
    private static final Logger LOG = LoggerFactory.getLogger(CommitteeJob.class);
    /** Test hook, {@code MEMBER@STEP}: that member's first task attempt fails past that step ({@link MemberTask}). */
    public static final String FAIL_ONCE_PROPERTY = "spark.sparkmnist.committee.failOnce";
    /** How the combination is chosen, as recorded in {@code model.json}. */
    static final String CHOSEN_BY = "higher training-set accuracy (all training records, undistorted); the test "
            + "set is measured for the record only";

    private CommitteeJob() {
    }

    /**
     * What to run.
     *
     * @param dataDir    folder with the four IDX files
     * @param outDir     committee directory to write (replaced atomically), or null to write nothing
     * @param plan       the members
     * @param sampler    how mini-batches are drawn
     * @param classNames the classes' names, or null for the data folder's or the numbers
     */
    public record Spec(String dataDir, String outDir, CommitteePlan plan, BatchSampler sampler,
                       List<String> classNames) {
    }

    /**
     * What a run produced.
     *
     * @param committee       the committee as saved (members with their metadata, chosen combination)
     * @param metrics         the committee's evaluation under the chosen combination
     * @param memberMetrics   each member's evaluation
     * @param trainingSeconds wall time of the members' stage
     * @param attempts        task attempts per member (1 unless a task was retried)
     */
    public record Result(SavedCommittee committee, Metrics metrics, List<Metrics> memberMetrics,
                         double trainingSeconds, List<Integer> attempts) {
    }

    public static Result run(JavaSparkContext sc, Spec spec, CheckpointOptions checkpoints) {
        MnistFiles.Split trainFiles = MnistFiles.train(spec.dataDir());
        MnistFiles.Split testFiles = MnistFiles.test(spec.dataDir());
        int evalPartitions = Math.max(1, sc.defaultParallelism());
        LoadedSet whole = IdxRddLoader.load(sc, trainFiles, 1);
        LoadedSet train = IdxRddLoader.load(sc, trainFiles, evalPartitions);
        LoadedSet test = IdxRddLoader.load(sc, testFiles, evalPartitions);
        Map<String, String> sums = TrainingJob.dataSha256(trainFiles, testFiles);
        boolean mnist = MnistIdentity.isMnist(sums);
        List<String> names = spec.classNames() != null ? spec.classNames() : ClassNames.fromFolder(spec.dataDir());
        String namesSource = spec.classNames() != null ? "--class-names" : spec.dataDir() + "/" + ClassNames.FILE;
        int span = Math.max(ClassCount.span(train.labels()), ClassCount.span(test.labels()));
        int classes;
        try {
            classes = ClassCount.fromData(span, names, namesSource, ClassCount.span(test.labels()) == span
                    ? testFiles.labels() : trainFiles.labels());
            names = names == null ? null : ClassNames.validate(names, classes, namesSource);
        } catch (IllegalArgumentException e) {
            throw e instanceof InvalidConfigException ? e : new InvalidConfigException(e.getMessage());
        }
        ImageBlock block = whole.blocks().first();
        TrainingConfig base = TrainingJob.resolveScaling(spec.plan().base(), PixelStatistics.of(block));
        CommitteePlan plan = new CommitteePlan(base, spec.plan().members());
        int k = plan.size();
        MemberCheckpoints memberCheckpoints = MemberCheckpoints.of(checkpoints, spec.outDir());
        MemberTask.FailOnce failOnce = MemberTask.FailOnce.parse(sc.getConf().get(FAIL_ONCE_PROPERTY, ""));
        for (CommitteeMember m : plan.members()) {
            LOG.info("committee member {}: the network of train {}", m.index(), m.options());
        }

        long t0 = System.nanoTime();
        Broadcast<ImageBlock> shared = sc.broadcast(block);
        List<MemberTask.Outcome> outcomes;
        try {
            sc.setJobDescription("committee: " + k + " members, one task each");
            outcomes = new ArrayList<>(sc.parallelize(plan.members(), k)
                    .mapPartitions(new MemberTask(shared, classes, base, spec.sampler(), sums, memberCheckpoints,
                            failOnce))
                    .collect());
        } finally {
            sc.setJobDescription(null);
            shared.destroy();
        }
        double trainingSeconds = (System.nanoTime() - t0) / 1e9;
        outcomes.sort(Comparator.comparingInt(MemberTask.Outcome::index));
        LOG.info("{} members trained in {} s", k, String.format(Locale.ROOT, "%.1f", trainingSeconds));
        List<Network> networks = outcomes.stream().map(MemberTask.Outcome::network).toList();

        CommitteeEvaluator.Result onTrain = CommitteeEvaluator.evaluate(sc, train.blocks(), networks,
                base.scaling(), 0);
        CommitteeEvaluator.Result onTest = CommitteeEvaluator.evaluate(sc, test.blocks(), networks, base.scaling(),
                RunReport.MISTAKES_SHOWN);
        train.blocks().unpersist(false);
        test.blocks().unpersist(false);
        whole.blocks().unpersist(false);
        Combination chosen = choose(onTrain);
        Map<String, Map<String, Double>> measured = new LinkedHashMap<>();
        for (Combination c : Combination.values()) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("train", onTrain.committee().get(c).confusion().accuracy());
            m.put("test", onTest.committee().get(c).confusion().accuracy());
            measured.put(c.word(), m);
            LOG.info("committee of {} by {}: train {}%, test {}%", k, c.word(), pct(m.get("train")),
                    pct(m.get("test")));
        }
        LOG.info("combination: {}, chosen by {}", chosen.word(), CHOSEN_BY);

        List<SavedModel> members = new ArrayList<>();
        List<Metrics> memberMetrics = new ArrayList<>();
        List<CommitteeInfo.Member> entries = new ArrayList<>();
        for (MemberTask.Outcome o : outcomes) {
            CommitteeMember m = plan.members().get(o.index());
            Metrics mm = new Metrics(onTrain.members().get(o.index()), onTest.members().get(o.index()));
            memberMetrics.add(mm);
            TrainingConfig config = m.config(base);
            Map<String, Object> memberSummary = new LinkedHashMap<>(mm.summary());
            memberSummary.put("trainingSeconds", o.seconds());
            RunPlan.of(config, 1).record(memberSummary);
            Convergence.record(memberSummary, o.convergence());
            members.add(new SavedModel(networks.get(o.index()), metadata(sc, spec, config, names, networks.get(
                    o.index()).sizes(), memberSummary, sums, o.seconds(), ModelMetadata.WEIGHT_FILES)));
            entries.add(new CommitteeInfo.Member(CommitteeInfo.memberDir(o.index()), m.seed(), m.hidden(),
                    m.augmentation().toString(), mm.train().accuracy(), mm.test().accuracy(), o.seconds(),
                    o.attempt() + 1, o.convergence()));
            LOG.info("member {}: train {}%, test {}% ({} s, attempt {}{})", o.index(), pct(mm.train().accuracy()),
                    pct(mm.test().accuracy()), String.format(Locale.ROOT, "%.1f", o.seconds()), o.attempt() + 1,
                    o.resumedAt() > 0 ? ", resumed at iteration " + o.resumedAt() : "");
        }
        Evaluator.Evaluation testEval = onTest.committee().get(chosen);
        Metrics metrics = new Metrics(onTrain.committee().get(chosen).confusion(), testEval.confusion());
        CommitteeInfo info = new CommitteeInfo(chosen.word(), CHOSEN_BY, measured, entries);
        Map<String, Object> summary = new LinkedHashMap<>(metrics.summary());
        summary.put("trainingSeconds", trainingSeconds);
        RunPlan.of(base, 1).record(summary); // every member runs base's phases on one partition
        summary.put("combination", chosen.word());
        summary.put("memberTestAccuracy", memberMetrics.stream().map(x -> x.test().accuracy()).toList());
        ModelMetadata meta = metadata(sc, spec, base, names, networks.get(0).sizes(), summary, sums,
                trainingSeconds, Map.of());
        SavedCommittee committee = new SavedCommittee(members, chosen, meta, info);
        if (spec.outDir() != null) {
            save(spec, committee, metrics, testEval, test, trainFiles, mnist, base);
            if (memberCheckpoints.enabled()) {
                new CheckpointStore(memberCheckpoints.root(), 1).clear();
            }
            LOG.info("committee written to {}", spec.outDir());
        }
        return new Result(committee, metrics, memberMetrics, trainingSeconds,
                outcomes.stream().map(o -> o.attempt() + 1).toList());
    }

    /** The combination with the higher training-set accuracy; the mean of probabilities on a tie. */
    static Combination choose(CommitteeEvaluator.Result onTrain) {
        Map<Combination, Long> correct = new EnumMap<>(Combination.class);
        onTrain.committee().forEach((c, e) -> correct.put(c, e.confusion().correct()));
        return correct.get(Combination.MEAN_LOG_PROBABILITY) > correct.get(Combination.MEAN_PROBABILITY)
                ? Combination.MEAN_LOG_PROBABILITY : Combination.MEAN_PROBABILITY;
    }

    private static void save(Spec spec, SavedCommittee committee, Metrics metrics, Evaluator.Evaluation testEval,
                             LoadedSet test, MnistFiles.Split trainFiles, boolean mnist, TrainingConfig base) {
        try {
            Map<String, byte[]> extra = new LinkedHashMap<>();
            extra.put("metrics.json", Json.MAPPER.writeValueAsBytes(metrics.toJson()));
            extra.putAll(new RunReport("train --committee " + committee.members().size() + ": " + spec.outDir(),
                    committee.metadata(), metrics, null, testEval.mistakes(), test.images().rows(),
                    test.images().cols(), new RunReport.DataSource(spec.dataDir(), mnist),
                    DigitSample.random(trainFiles, RunReport.SAMPLES_SHOWN, base.seed())).files());
            CommitteeStore.save(spec.outDir(), committee.metadata(), committee.info(), committee.members(), extra);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModelMetadata metadata(JavaSparkContext sc, Spec spec, TrainingConfig config, List<String> names,
                                          LayerSizes s, Map<String, Object> metrics, Map<String, String> sums,
                                          double seconds, Map<String, String> weightFiles) {
        Map<String, Object> m = new LinkedHashMap<>(metrics);
        m.putIfAbsent("trainingSeconds", seconds);
        return new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.FORMAT_VERSION,
                new int[] {s.inputs(), s.hidden(), s.outputs()}, "tanh", "softmax", config.scaling().kind().word(),
                ModelMetadata.InputTransform.of(config.scaling()), names, config.seed(), config.phases(), null,
                spec.dataDir(), sums, m, TrainingJob.VERSION, sc.version(), Instant.now().toString(), weightFiles,
                config.augmentation().isNone() ? null : config.augmentation().toString());
    }

    private static String pct(double accuracy) {
        return String.format(Locale.ROOT, "%.2f", 100 * accuracy);
    }
}
