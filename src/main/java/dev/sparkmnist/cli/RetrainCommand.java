package dev.sparkmnist.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.fetch.DataFolder;
import dev.sparkmnist.pipeline.SparkContexts;
import dev.sparkmnist.registry.ModelRegistry;
import dev.sparkmnist.registry.QualityGate;
import dev.sparkmnist.registry.RegistryBusyException;
import dev.sparkmnist.registry.Retrainer;

/**
 * {@code retrain}: one scheduled retraining run against a model registry, reporting what happened through the
 * exit code (0 published, 5 refused by the gate, 6 registry busy, 99 nothing to do, 2 bad input, 1 failure).
 */
@Command(name = "retrain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continue training the registry's current model (or start from scratch), evaluate it, store "
                + "it as a new version and make it current if it passes the quality gate.",
                "",
                "Exit codes: 0 published, 5 refused by the quality gate (kept as a rejected version), 6 registry "
                        + "locked by another run, 99 nothing to do (same data, configuration and parent as an "
                        + "existing version), 2 bad input or configuration, 1 failure."})
public final class RetrainCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Mixin
    RegistryOptions registryOptions;

    @Mixin
    TrainingOptions training;

    @Option(names = "--from-scratch", description = "Start from fresh weights instead of the current model.")
    boolean fromScratch;

    @Option(names = "--committee", paramLabel = "K",
            description = "Train a committee of K networks (as train --committee; alone it means --preset committee, 7 "
                    + "members by default); the gate compares the committee's combined accuracy with the current "
                    + "version's. A committee trains from its seeds, never from the current version.")
    Integer committee;

    @Spec
    CommandSpec spec;

    @Option(names = "--force", description = "Train even when a version with the same inputs exists.")
    boolean force;

    @Option(names = "--min-accuracy", paramLabel = "FRACTION", defaultValue = "0.9",
            description = "Quality gate: lowest test accuracy to publish, 0..1 (default: ${DEFAULT-VALUE}).")
    double minAccuracy;

    @Option(names = "--max-drop", paramLabel = "FRACTION", defaultValue = "0.005",
            description = "Quality gate: how far below the current model's test accuracy (on the same test set) a "
                    + "new model may be, 0..1 (default: ${DEFAULT-VALUE}).")
    double maxDrop;

    @Option(names = "--keep", paramLabel = "K",
            description = "Afterwards delete all but the newest K versions; current and its parent are always kept "
                    + "(default: keep all).")
    Integer keep;

    @Option(names = "--no-onnx", description = "Do not write the new version's model as model.onnx beside its "
            + "model directory (written by default, so the registry's current model can be served as it is).")
    boolean noOnnx;

    @Option(names = StatusFile.OPTION, paramLabel = "PATH",
            description = "Also write the outcome as one line to this file (any Hadoop path), e.g. "
                    + "'exit=5 outcome=GATE_REFUSED ...', for schedulers that cannot see the exit code (YARN cluster "
                    + "mode); 'outcome=RUNNING' while the run goes on.")
    String statusFile;

    @Override
    public Integer call() {
        StatusFile.running(statusFile, "retrain");
        QualityGate gate = new QualityGate(minAccuracy, maxDrop);
        if (keep != null && keep < 1) {
            throw new dev.sparkmnist.train.InvalidConfigException("--keep must be at least 1, got " + keep);
        }
        training.checkBeforeData();
        DataFolder.requireFiles(common.dataDir, MnistFiles.ALL);
        ModelRegistry registry = ModelRegistry.open(registryOptions.registry);
        try (SparkContexts.Handle spark = SparkContexts.open("spark-mnist retrain")) {
            training.applyEngine(spark.context());
            int partitions = common.trainingPartitions(spark.context());
            boolean asCommittee = training.committee(committee, spec.commandLine().getParseResult());
            Retrainer.Request request = new Retrainer.Request(common.dataDir,
                    parent -> training.config(common.dataDir, asCommittee ? 1 : partitions, parent), fromScratch,
                    force, gate, keep, registryOptions.lockTtl(), registryOptions.lockWait(), !noOnnx,
                    training.sampler(), asCommittee ? config -> training.committeePlan(config, committee) : null);
            Retrainer.Outcome outcome = new Retrainer(registry).run(spark.context(), request);
            System.out.println(outcome.message());
            return switch (outcome.kind()) {
                case PUBLISHED -> ExitCodes.OK;
                case REFUSED -> ExitCodes.GATE_REFUSED;
                case NOTHING_TO_DO -> ExitCodes.NOTHING_TO_DO;
            };
        } catch (RegistryBusyException e) {
            System.err.println("error: " + e.getMessage());
            return ExitCodes.REGISTRY_BUSY;
        }
    }
}
