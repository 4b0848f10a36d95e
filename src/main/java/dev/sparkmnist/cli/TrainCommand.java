package dev.sparkmnist.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.apache.spark.api.java.JavaSparkContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.sparkmnist.committee.CommitteeJob;
import dev.sparkmnist.committee.CommitteePlan;
import dev.sparkmnist.data.ClassNames;
import dev.sparkmnist.fetch.MnistFetch;
import dev.sparkmnist.fetch.MnistIdentity;
import dev.sparkmnist.fs.ObjectStores;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.output.OutputClaim;
import dev.sparkmnist.pipeline.Presets;
import dev.sparkmnist.pipeline.SparkContexts;
import dev.sparkmnist.pipeline.TrainingJob;
import dev.sparkmnist.train.InvalidConfigException;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingState;

/** {@code train}: fit the network on the MNIST training set, report train and test accuracy, save the model. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train the network on MNIST with Spark, evaluate it and save the model directory.",
                "",
                "Hyperparameters start from a preset; any option given overrides it in every phase, and --phase "
                        + "replaces the preset's phases altogether.",
                "Presets:",
                "  default   784-512-10, standardised pixels, batch 256 split over the partitions, 1,700 iterations"
                        + " of Nesterov momentum SGD on shuffled epochs with label smoothing 0.1, 32 local steps per"
                        + " job on 2 partitions, 16 on 4, synchronous from 5 on;"
                        + " >= 98%% test accuracy on 2 to 64 partitions.",
                "  best      784-800-10, standardised pixels, training images distorted on the executors (affine +"
                        + " elastic), 100 epochs of momentum SGD, 32 local steps per job on 2 partitions, from 5 on"
                        + " synchronous steps on a global batch of 2,048; 99.2-99.3%% test accuracy in about 3"
                        + " minutes with OpenBLAS.",
                "  committee 7 best networks trained side by side, one Spark task each (one core each), differing"
                        + " in seed and distortions, their probabilities combined (docs/committee.md).",
                "  notebook  the original notebook: 784-25-10, raw pixels, batch 200, 20,000 iterations at lr 0.001"
                        + " / lambda 0.05, then 20,000 at lr 0.0001 / lambda 0.02."})
public final class TrainCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--out", description = "Model directory to write; replaced atomically (default: models/<preset>).")
    String out;

    @Option(names = "--init-from", paramLabel = "MODEL_DIR",
            description = "Continue training this saved model (its width, its scaling with the stored values and its "
                    + "class names) instead of a fresh one.")
    String initFrom;

    @Mixin
    TrainingOptions training;

    @Mixin
    CheckpointCliOptions checkpoints;

    @Option(names = "--eval-every", paramLabel = "K", description = "Measure test accuracy every K iterations "
            + "on the first 2,000 test records, for the report's accuracy curve (default: off).")
    Long evalEvery;

    @Option(names = "--class-names", split = ",", paramLabel = "NAME,...",
            description = "A name for each class 0, 1, ..., in order (their number is the model's classes, K; without "
                    + "names K is the largest label plus one), stored in the model and shown in its report "
                    + "(default: classes.txt in --data-dir, one name a line, else the --init-from model's names, "
                    + "else the class numbers).")
    List<String> classNames;

    @Option(names = "--validation", paramLabel = "N", defaultValue = "0",
            description = "Hold the last N training records out of training and report the final model's accuracy "
                    + "on them (metrics.json: validation); the model is still the last one, never chosen by a score "
                    + "(default: 0, none).")
    int validation;

    @Option(names = "--overwrite", description = "Replace an existing --out directory that train did not write (a "
            + "model directory saved otherwise, or any other folder; never a registry, the data or --init-from).")
    boolean overwrite;

    @Option(names = "--committee", paramLabel = "K",
            description = "Train a committee of K networks side by side, one Spark task per member on a whole copy of "
                    + "the training set (K free cores train K at once; more members queue), members differing in "
                    + "seed (seed, seed+1, ...; with --preset committee also in distortions), and save them in one "
                    + "model directory that evaluate, predict, export and retrain score with the combined "
                    + "probabilities. Alone it means --preset committee (7 members by default).")
    Integer committee;

    @Spec
    CommandSpec spec;

    @Option(names = "--offline", description = "Do not fetch MNIST when --data-dir lacks it; fail instead.")
    boolean offline;

    @Override
    public Integer call() {
        // Bad options (a committee's too) are refused before any work (fetching, checking the data).
        training.checkBeforeData();
        boolean asCommittee = training.committee(committee, spec.commandLine().getParseResult());
        if (asCommittee) {
            refuseWithCommittee();
        }
        MnistFetch.ensurePresent(common.dataDir, offline, System.out);
        dev.sparkmnist.checkpoint.CheckpointOptions checkpointing = checkpoints.toOptions();
        common.dataDir = HadoopPaths.qualify(common.dataDir); // executors have another working directory
        Presets.Preset p = training.preset();
        String outDir = out != null ? out : "models/" + p.name();
        ObjectStores.warnIfRenameIsCopy(outDir, "model directory");
        ModelMetadata continued = initFrom == null ? null : ModelStore.load(initFrom).metadata();
        try (OutputClaim claim = OutputClaim.directory("train", "--out", outDir, overwrite, true, common.dataDir,
                initFrom)) {
            if (asCommittee) {
                trainCommittee(p, outDir, checkpointing);
            } else {
                train(p, outDir, continued, checkpointing);
            }
            claim.written();
        }
        return ExitCodes.OK;
    }

    private void train(Presets.Preset p, String outDir, ModelMetadata continued,
                       dev.sparkmnist.checkpoint.CheckpointOptions checkpointing) {
        try (SparkContexts.Handle spark = SparkContexts.open("spark-mnist train")) {
            JavaSparkContext sc = spark.context();
            training.applyEngine(sc);
            int partitions = common.trainingPartitions(sc);
            TrainingConfig config = training.config(common.dataDir, partitions, continued, validation);
            TrainingJob.Result result = TrainingJob.run(sc, new TrainingJob.Spec(common.dataDir, outDir, config,
                    initFrom, training.sampler(), evalEvery(), classNames, validation), List.of(),
                    checkpointing);
            System.out.println();
            System.out.printf(Locale.ROOT, "preset %s, network %s, %s, %.1f s of training%n", p.name(),
                    result.network().sizes(), phasesRun(config, result.end()), result.trainingSeconds());
            System.out.print(result.metrics().toText(result.classNames()));
            System.out.println("model: " + outDir + " (report: " + outDir + "/report.html)");
        }
    }

    /** The phases that ran: all of them, or where the convergence check ({@code --tol}) stopped training. */
    static String phasesRun(TrainingConfig config, TrainingState end) {
        int phases = config.phases().size();
        return end.converged() ? String.format(Locale.ROOT, "stopped by --tol in phase %d of %d at iteration %,d",
                end.phase() + 1, phases, end.globalStep()) : phases + " phase(s)";
    }

    /**
     * A committee's size, and what a committee run does not do: continue a model, hold records out, sample test
     * accuracy on the way.
     */
    private void refuseWithCommittee() {
        if (committee != null && (committee < 1 || committee > CommitteePlan.MAX_MEMBERS)) {
            throw new InvalidConfigException("--committee must be 1.." + CommitteePlan.MAX_MEMBERS + " members, got "
                    + committee);
        }
        if (initFrom != null) {
            throw new InvalidConfigException("--init-from continues one network; a committee (--committee, --preset "
                    + "committee) trains its members from their seeds");
        }
        if (validation != 0) {
            throw new InvalidConfigException("--validation is not supported with a committee (--committee, --preset "
                    + "committee)");
        }
        if (evalEvery != null) {
            throw new InvalidConfigException("--eval-every is not supported with a committee (--committee, --preset "
                    + "committee)");
        }
    }

    private void trainCommittee(Presets.Preset p, String outDir,
                                dev.sparkmnist.checkpoint.CheckpointOptions checkpointing) {
        try (SparkContexts.Handle spark = SparkContexts.open("spark-mnist train --committee")) {
            JavaSparkContext sc = spark.context();
            TrainingConfig base = training.config(common.dataDir, 1, null, 0);
            CommitteePlan plan = training.committeePlan(base, committee);
            CommitteeJob.Result result = CommitteeJob.run(sc, new CommitteeJob.Spec(common.dataDir, outDir, plan,
                    training.sampler(), classNames), checkpointing);
            ClassNames names = ClassNames.of(result.committee().metadata().classNames(),
                    result.committee().classes(), MnistIdentity.isMnist(result.committee().metadata().dataSha256()));
            System.out.println();
            System.out.printf(Locale.ROOT, "preset %s, %s, %.1f s of training%n", p.name(),
                    result.committee().describe(), result.trainingSeconds());
            for (int i = 0; i < result.memberMetrics().size(); i++) {
                System.out.printf(Locale.ROOT, "member %d (seed %d): test accuracy %.2f%%%n", i,
                        plan.members().get(i).seed(), 100 * result.memberMetrics().get(i).test().accuracy());
            }
            System.out.print(result.metrics().toText(names));
            System.out.println("committee: " + outDir + " (report: " + outDir + "/report.html)");
        }
    }

    private long evalEvery() {
        if (evalEvery != null && evalEvery < 1) {
            throw new InvalidConfigException("--eval-every must be at least 1, got " + evalEvery);
        }
        return evalEvery == null ? 0 : evalEvery;
    }
}
