package dev.sparkmnist.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.checkpoint.CheckpointOptions;
import dev.sparkmnist.committee.CommitteeJob;
import dev.sparkmnist.committee.CommitteeMember;
import dev.sparkmnist.committee.CommitteePlan;
import dev.sparkmnist.data.ClassCount;
import dev.sparkmnist.data.ContentDigest;
import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.eval.CommitteeEvaluator;
import dev.sparkmnist.eval.Evaluator;
import dev.sparkmnist.eval.Metrics;
import dev.sparkmnist.export.OnnxExport;
import dev.sparkmnist.export.Precision;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.CommitteeStore;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedCommittee;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.pipeline.TrainingJob;
import dev.sparkmnist.train.BatchSampler;
import dev.sparkmnist.train.InvalidConfigException;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingDivergedException;

/**
 * One scheduled retraining run against a {@link ModelRegistry}: under the registry's lock, clean up after any
 * crashed run, warm-start from {@code current} (or from scratch), skip the run when a version with the same
 * inputs, configuration and parent exists, train and evaluate, assemble the new version under a staging name and
 * rename it into place, then move {@code current} only if the {@link QualityGate} passes. A refused model stays
 * as a rejected version with the reason. A crash at any step leaves {@code current} and every visible version
 * intact; the next run cleans up.
 */
public final class Retrainer {
    private static final Logger LOG = LoggerFactory.getLogger(Retrainer.class);

    /** Test hook; see {@link CrashPoint}. */
    static volatile CrashPoint crashPoint = CrashPoint.NONE;

    private final ModelRegistry registry;

    public Retrainer(ModelRegistry registry) {
        this.registry = registry;
    }

    /**
     * What to run.
     *
     * @param dataDir     the MNIST files
     * @param config      the configuration, given the metadata of the model continued from (null from scratch)
     * @param fromScratch ignore {@code current} and start from fresh weights
     * @param force       train even when an identical version exists
     * @param gate        the quality gate
     * @param keep        versions to keep afterwards, or null to keep all
     * @param lockTtl     how long the lock lasts without renewal
     * @param lockWait    how long to wait for another run's lock
     * @param onnx        also write the model as {@value OnnxExport#FILE_NAME} into the version, so it can be served
     *                    as it is
     * @param sampler     how batches are drawn (the preset's or {@code --sampling})
     * @param committee   for a committee ({@code --committee}, {@code --preset committee}): its members for the
     *                    configuration; null to train one network. A committee always trains from its seeds, and
     *                    the gate compares it, combined, with the current version (a committee or not)
     */
    public record Request(String dataDir, Function<ModelMetadata, TrainingConfig> config, boolean fromScratch,
                          boolean force, QualityGate gate, Integer keep, Duration lockTtl, Duration lockWait,
                          boolean onnx, BatchSampler sampler, Function<TrainingConfig, CommitteePlan> committee) {
        /** A request to train one network. */
        public Request(String dataDir, Function<ModelMetadata, TrainingConfig> config, boolean fromScratch,
                       boolean force, QualityGate gate, Integer keep, Duration lockTtl, Duration lockWait,
                       boolean onnx, BatchSampler sampler) {
            this(dataDir, config, fromScratch, force, gate, keep, lockTtl, lockWait, onnx, sampler, null);
        }
    }

    /** How a run ended. */
    public enum Kind { PUBLISHED, REFUSED, NOTHING_TO_DO }

    /**
     * The result.
     *
     * @param kind    published, refused by the gate, or nothing to do
     * @param version the new version, or the existing identical one
     * @param current the current version afterwards
     * @param message one line for the log and the scheduler
     */
    public record Outcome(Kind kind, int version, Integer current, String message) {
    }

    public Outcome run(JavaSparkContext sc, Request r) {
        String owner = RunIdentity.user() + " retrain";
        try (RegistryLock lock = registry.lock(owner, r.lockTtl(), r.lockWait())) {
            crashPoint.reached("locked");
            registry.recover();
            Integer current = registry.current();
            Integer parent = r.fromScratch() || r.committee() != null ? null : current;
            String parentDir = parent == null ? null : registry.modelDir(parent);
            if (parentDir != null && CommitteeStore.isCommittee(parentDir)) {
                throw new InvalidConfigException("the current version " + parent + " is a committee, which cannot be "
                        + "continued as one network: retrain with --committee K (or --preset committee), or with "
                        + "--from-scratch");
            }
            SavedModel parentModel = parentDir == null ? null : ModelStore.load(parentDir);
            TrainingConfig config = r.config().apply(parentModel == null ? null : parentModel.metadata());
            CommitteePlan plan = r.committee() == null ? null : r.committee().apply(config);
            Map<String, String> data = digests(r.dataDir());
            String fingerprint = fingerprint(data, config, r.sampler(), parent, plan);
            if (!r.force()) {
                for (int v : registry.versions()) {
                    Lineage l = registry.lineage(v);
                    VersionStatus s = registry.status(v);
                    boolean decided = s != null && (VersionStatus.PUBLISHED.equals(s.status())
                            || VersionStatus.REJECTED.equals(s.status()));
                    if (decided && l != null && fingerprint.equals(l.fingerprint())) {
                        return new Outcome(Kind.NOTHING_TO_DO, v, current, "nothing to do: version " + v + " ("
                                + s.status() + ") was made from the same data, configuration and parent ("
                                + parent + "); use --force to train again");
                    }
                }
            }
            int n = registry.nextVersion();
            Path staging = registry.newStaging(n);
            String startedAt = Instant.now().toString();
            LOG.info("retraining version {} {} into {}", n, parent == null ? "from scratch"
                    : "from version " + parent, registry.dir());
            crashPoint.reached("staging");

            Metrics result = null;
            int classes = 0;
            String diverged = null;
            String modelDir = new Path(staging, ModelRegistry.MODEL).toString();
            try {
                if (plan != null) {
                    CommitteeJob.Result c = CommitteeJob.run(sc, new CommitteeJob.Spec(r.dataDir(), modelDir, plan,
                            r.sampler(), null), CheckpointOptions.DISABLED);
                    result = c.metrics();
                    classes = c.committee().classes();
                } else {
                    TrainingJob.Result single = TrainingJob.run(sc, new TrainingJob.Spec(r.dataDir(), modelDir,
                            config, parentDir, r.sampler()), List.of());
                    result = single.metrics();
                    classes = single.network().sizes().outputs();
                }
            } catch (TrainingDivergedException e) {
                diverged = e.getMessage();
            }
            if (result != null && r.onnx()) {
                OnnxExport.Written onnx = OnnxExport.write(new Path(staging, ModelRegistry.MODEL).toString(),
                        new Path(staging, OnnxExport.FILE_NAME).toString(), Precision.DOUBLE);
                LOG.info("version {}: {} written ({} bytes)", n, OnnxExport.FILE_NAME, onnx.bytes());
            }
            Lineage lineage = new Lineage(n, parent, fingerprint, r.dataDir(), data, config, TrainingJob.VERSION,
                    BuildInfo.gitCommit(), sc.version(), RunIdentity.host(), RunIdentity.user(), startedAt,
                    Instant.now().toString(), r.force());
            double accuracy = result == null ? Double.NaN : result.test().accuracy();
            SavedCommittee currentModel = current == null ? null : CommitteeStore.load(registry.modelDir(current));
            boolean comparable = currentModel != null && (result == null || currentModel.classes() == classes);
            Double currentAccuracy = comparable ? testAccuracy(sc, currentModel, r.dataDir(), config.partitions())
                    : null;
            comparable &= currentAccuracy != null;
            QualityGate.Decision decision = diverged != null
                    ? new QualityGate.Decision(false, "training diverged: " + diverged)
                    : currentModel != null && !comparable
                    ? r.gate().judgeAlone(accuracy, String.format(Locale.ROOT, "current version %d has %d classes, "
                            + "this one %d, so they are not compared", current,
                            currentModel.classes(), classes))
                    : r.gate().judge(accuracy, current, currentAccuracy);
            VersionStatus status = new VersionStatus(decision.passed() ? VersionStatus.PENDING
                    : VersionStatus.REJECTED, decision.reason(), accuracy, current, currentAccuracy,
                    Instant.now().toString());
            registry.writeVersionFiles(staging, result == null ? null : result.toJson(), lineage, status);
            crashPoint.reached("staged");
            registry.commit(staging, n);
            crashPoint.reached("committed");

            if (!decision.passed()) {
                registry.log().append("reject", n, current, decision.reason());
                prune(r);
                return new Outcome(Kind.REFUSED, n, current, "version " + n + " rejected: " + decision.reason()
                        + "; current stays " + current);
            }
            lock.checkHeld();
            registry.setCurrent(n);
            crashPoint.reached("current-moved");
            registry.writeStatus(n, status.with(VersionStatus.PUBLISHED, decision.reason(), Instant.now().toString()));
            registry.log().append("publish", n, current, decision.reason());
            crashPoint.reached("published");
            prune(r);
            return new Outcome(Kind.PUBLISHED, n, n, String.format(Locale.ROOT,
                    "version %d published as current (test accuracy %.4f, parent %s)", n, accuracy, parent));
        }
    }

    private void prune(Request r) {
        if (r.keep() != null) {
            registry.prune(r.keep());
        }
    }

    /** File path to SHA-256 of the four MNIST files' content. */
    private static Map<String, String> digests(String dataDir) {
        Map<String, String> out = new LinkedHashMap<>();
        MnistFiles.Split train = MnistFiles.train(dataDir);
        MnistFiles.Split test = MnistFiles.test(dataDir);
        for (String f : new String[] {train.images(), train.labels(), test.images(), test.labels()}) {
            out.put(f, ContentDigest.sha256Uncompressed(f));
        }
        return out;
    }

    /**
     * SHA-256 of what decides a run's result: the data content (by file name, so moving the folder changes
     * nothing), the configuration (without the logging interval), how batches are drawn, the parent version and the
     * program.
     */
    static String fingerprint(Map<String, String> data, TrainingConfig c, BatchSampler sampler, Integer parent,
                              CommitteePlan committee) {
        Map<String, Object> inputs = new TreeMap<>();
        Map<String, String> byName = new TreeMap<>();
        data.forEach((path, sha) -> byName.put(new Path(path).getName().replaceFirst("\\.gz$", ""), sha));
        inputs.put("data", byName);
        inputs.put("config", new TrainingConfig(c.hidden(), c.seed(), c.scaling(), c.partitions(), 1, c.phases(),
                c.scaleOut(), c.augmentation(), c.tol()));
        inputs.put("sampler", sampler.getClass().getName());
        inputs.put("parent", parent == null ? "none" : parent.toString());
        if (committee != null) {
            inputs.put("committee", committee.members().stream().map(CommitteeMember::options).toList());
        }
        inputs.put("program", TrainingJob.VERSION + " " + BuildInfo.gitCommit());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(RegistryFiles.json(inputs)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A saved model's accuracy on this run's test set, so the gate compares like with like; null when the test set
     * has labels the model has no class for.
     */
    private static Double testAccuracy(JavaSparkContext sc, SavedCommittee m, String dataDir, int partitions) {
        IdxRddLoader.LoadedSet test = IdxRddLoader.load(sc, MnistFiles.test(dataDir), partitions);
        try {
            if (ClassCount.firstOutside(test.labels(), m.classes()) >= 0) {
                return null;
            }
            if (m.isCommittee()) {
                return CommitteeEvaluator.evaluate(sc, test.blocks(), m.networks(), m.metadata().scaling(), 0)
                        .committee().get(m.combination()).confusion().accuracy();
            }
            return Evaluator.confusion(sc, test.blocks(), m.members().get(0).network(), m.metadata().scaling())
                    .accuracy();
        } finally {
            test.blocks().unpersist(false);
        }
    }
}
