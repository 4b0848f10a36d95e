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

import dev.sparkmnist.data.ClassCount;
import dev.sparkmnist.data.ContentDigest;
import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.eval.Evaluator;
import dev.sparkmnist.export.OnnxExport;
import dev.sparkmnist.export.Precision;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedModel;
import dev.sparkmnist.pipeline.TrainingJob;
import dev.sparkmnist.train.BatchSampler;
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
     */
    public record Request(String dataDir, Function<ModelMetadata, TrainingConfig> config, boolean fromScratch,
                          boolean force, QualityGate gate, Integer keep, Duration lockTtl, Duration lockWait,
                          boolean onnx, BatchSampler sampler) {
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
            Integer parent = r.fromScratch() ? null : current;
            String parentDir = parent == null ? null : registry.modelDir(parent);
            SavedModel parentModel = parentDir == null ? null : ModelStore.load(parentDir);
            TrainingConfig config = r.config().apply(parentModel == null ? null : parentModel.metadata());
            Map<String, String> data = digests(r.dataDir());
            String fingerprint = fingerprint(data, config, r.sampler(), parent);
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

            TrainingJob.Result result = null;
            String diverged = null;
            try {
                result = TrainingJob.run(sc, new TrainingJob.Spec(r.dataDir(),
                        new Path(staging, ModelRegistry.MODEL).toString(), config, parentDir,
                        r.sampler()), List.of());
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
            double accuracy = result == null ? Double.NaN : result.metrics().test().accuracy();
            SavedModel currentModel = current == null ? null : ModelStore.load(registry.modelDir(current));
            int classes = result == null ? 0 : result.network().sizes().outputs();
            boolean comparable = currentModel != null && (result == null
                    || currentModel.network().sizes().outputs() == classes);
            Double currentAccuracy = comparable ? testAccuracy(sc, currentModel, r.dataDir(), config.partitions())
                    : null;
            comparable &= currentAccuracy != null;
            QualityGate.Decision decision = diverged != null
                    ? new QualityGate.Decision(false, "training diverged: " + diverged)
                    : currentModel != null && !comparable
                    ? r.gate().judgeAlone(accuracy, String.format(Locale.ROOT, "current version %d has %d classes, "
                            + "this one %d, so they are not compared", current,
                            currentModel.network().sizes().outputs(), classes))
                    : r.gate().judge(accuracy, current, currentAccuracy);
            VersionStatus status = new VersionStatus(decision.passed() ? VersionStatus.PENDING
                    : VersionStatus.REJECTED, decision.reason(), accuracy, current, currentAccuracy,
                    Instant.now().toString());
            registry.writeVersionFiles(staging, result == null ? null : result.metrics().toJson(), lineage, status);
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
    static String fingerprint(Map<String, String> data, TrainingConfig c, BatchSampler sampler, Integer parent) {
        Map<String, Object> inputs = new TreeMap<>();
        Map<String, String> byName = new TreeMap<>();
        data.forEach((path, sha) -> byName.put(new Path(path).getName().replaceFirst("\\.gz$", ""), sha));
        inputs.put("data", byName);
        inputs.put("config", new TrainingConfig(c.hidden(), c.seed(), c.scaling(), c.partitions(), 1, c.phases(),
                c.scaleOut(), c.augmentation()));
        inputs.put("sampler", sampler.getClass().getName());
        inputs.put("parent", parent == null ? "none" : parent.toString());
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
    private static Double testAccuracy(JavaSparkContext sc, SavedModel m, String dataDir, int partitions) {
        IdxRddLoader.LoadedSet test = IdxRddLoader.load(sc, MnistFiles.test(dataDir), partitions);
        try {
            if (ClassCount.firstOutside(test.labels(), m.network().sizes().outputs()) >= 0) {
                return null;
            }
            return Evaluator.confusion(sc, test.blocks(), m.network(), m.metadata().scaling()).accuracy();
        } finally {
            test.blocks().unpersist(false);
        }
    }
}
