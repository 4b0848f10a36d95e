package dev.sparkmnist.cli;

import dev.sparkmnist.collective.EngineChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import picocli.CommandLine.Option;

import dev.sparkmnist.augment.Augmentation;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.pipeline.Presets;
import dev.sparkmnist.train.Averaging;
import dev.sparkmnist.train.InvalidConfigException;
import dev.sparkmnist.train.LearningRateSchedule;
import dev.sparkmnist.train.BatchSampler;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.Sampling;
import dev.sparkmnist.train.ScaleOut;
import dev.sparkmnist.train.TrainingConfig;

/**
 * The hyperparameter options of every command that trains ({@code train}, {@code retrain}): a preset, single
 * overrides and {@code --phase} lists, turned into one validated {@link TrainingConfig}. A picocli mixin, so the
 * commands share one definition of each option and its help text.
 */
public final class TrainingOptions {

    @Option(names = "--preset", description = "Starting hyperparameters: default, best, committee or notebook (default: ${DEFAULT-VALUE}).",
            defaultValue = "default")
    String preset;

    @Option(names = "--hidden", description = "Hidden units H.")
    Integer hidden;

    @Option(names = "--scaling", converter = ScalingConverter.class, paramLabel = "raw|unit|standard",
            description = "Input scaling: raw (0..255, the notebook), unit (0..1) or standard (mean 0, variance 1 "
                    + "over the training set's pixels, learnt from the data and stored in the model; the default "
                    + "preset's).")
    InputScaling.Kind scaling;

    @Option(names = "--iterations", description = "Mini-batches per phase.")
    Long iterations;

    @Option(names = "--epochs", description = "Passes over the training set per phase (instead of --iterations).")
    Double epochs;

    @Option(names = "--batch-size", description = "Samples per mini-batch over all partitions; with a partition "
            + "batch, the reference batch at which --lr and --iterations are given.")
    Integer batchSize;

    @Option(names = "--partition-batch", paramLabel = "N",
            description = "Samples each partition draws per step, so the global batch is partitions x N, with the "
                    + "learning rate scaled up linearly (at most 8x) after a warm-up over the first 10%% of the "
                    + "phase. 0 (the presets') splits --batch-size over the partitions instead, which kept the "
                    + "accuracy on more partitions (docs/scale-out.md).")
    Integer partitionBatch;

    @Option(names = "--averaging", paramLabel = "plain|bmuf|post-local|auto",
            description = "How the partitions' models are combined after each Spark job: plain averaging, block "
                    + "momentum (BMUF), post-local SGD (one step per job for the first 10%% of a phase), or auto (the "
                    + "default preset's: plain, the one that measured best at every partition count).")
    String averaging;

    @Option(names = "--lr", description = "Learning rate, applied to the batch-summed gradient.")
    Double lr;

    @Option(names = "--lambda", description = "L2 regularisation strength.")
    Double lambda;

    @Option(names = "--momentum", description = "Momentum, 0 for plain gradient descent.")
    Double momentum;

    @Option(names = "--nesterov", negatable = true, description = "Nesterov's form of the momentum step "
            + "(--no-nesterov: heavy-ball; default: the preset's, Nesterov for default).")
    Boolean nesterov;

    @Option(names = "--label-smoothing", paramLabel = "S", description = "Train towards (1 - S) on the label and "
            + "S / classes on every class instead of one-hot targets, 0 <= S < 1 (default: the preset's, 0.1 for "
            + "default, 0 for notebook and best).")
    Double labelSmoothing;

    @Option(names = "--sampling", paramLabel = "shuffle|replacement", description = "How each partition draws its "
            + "mini-batches: shuffle (every record once per epoch, a new order each epoch) or replacement (uniform "
            + "draws, the notebook's randint). Default: the preset's, shuffle for default.")
    String sampling;

    @Option(names = "--engine", paramLabel = "auto|job|collective",
            description = "How training runs on Spark; the weights are the same either way. job: one Spark job per "
                    + "round, combined on the driver. collective: each phase in one barrier stage whose tasks "
                    + "exchange gradients among themselves, the driver out of the step loop. auto (default): the "
                    + "cheaper by the cost model, stated in the log (docs/scale-out.md).")
    String engine;

    /** Makes {@code --engine} (when given) this thread's choice on {@code sc}. */
    void applyEngine(org.apache.spark.api.java.JavaSparkContext sc) {
        if (engine != null) {
            sc.setLocalProperty(EngineChoice.PROPERTY,
                    EngineChoice.parse(engine, "--engine").name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Option(names = "--local-steps", paramLabel = "N|auto",
            description = "Optimiser steps per partition per Spark job before averaging; 1 = exact synchronous SGD; "
                    + "auto = from the partition count (the default preset's: 32 on 2 partitions, 16 on 4, 1 from 5 on).")
    String localSteps;

    @Option(names = "--schedule", description = "Learning-rate schedule within a phase: constant or cosine.")
    LearningRateSchedule schedule;

    @Option(names = "--phase", paramLabel = "KEY=VALUE,...",
            description = "A training phase (repeat for several, run in order), e.g. "
                    + "iterations=20000,lr=0.001,lambda=0.05. Keys: iterations, epochs, batch-size, lr, lambda, "
                    + "momentum, nesterov, label-smoothing, local-steps, schedule; missing keys come from the preset.")
    List<String> phases;

    @Option(names = "--augment", paramLabel = "none|KEY=VALUE,...",
            description = "Distort the training images on the executors, afresh at every step: none, or limits "
                    + "rotation (degrees), scale, shear, shift (pixels), alpha and sigma (Simard's elastic field), "
                    + "e.g. rotation=10,scale=0.1,shear=0.1,shift=1.5,alpha=34,sigma=4 (default: the preset's; "
                    + "only best distorts).")
    String augment;

    @Option(names = "--seed", description = "Seeds initial weights and batch draws (default: ${DEFAULT-VALUE}).",
            defaultValue = "42")
    long seed;

    @Option(names = "--tol", paramLabel = "X", description = "Convergence tolerance, Spark's tol: stop training "
            + "once an epoch's mean training loss improves on the previous epoch's by a relative amount below X, "
            + "i.e. (previous - current) / |previous| < X (an epoch: training records / global batch iterations; "
            + "a phase's first epoch is never compared, and a stop skips the remaining phases; model.json's "
            + "metrics.convergence says where it stopped and what each phase ran, also per committee member). "
            + "0 (default) is off: every phase runs all its iterations, as the presets are tuned to. Spark's MLPC "
            + "uses 1e-6.",
            defaultValue = "0")
    double tol;

    @Option(names = "--log-every", description = "Iterations between progress lines, which are also the points of "
            + "the loss curve (default: 1000 for the notebook preset, else 100).")
    Long logEvery;


    /**
     * Refuses the values that can be checked without the data ({@code --tol}), so that a bad one ends the command
     * before any work: fetching, starting Spark, reading the data. The rest is checked when the configuration is
     * built, where {@code --epochs} needs the training records.
     */
    void checkBeforeData() {
        TrainingConfig.requireTol(tol);
    }

    /**
     * Whether the command trains a committee: {@code --committee K} (which alone, without {@code --preset}, selects
     * the committee preset) or {@code --preset committee}.
     */
    boolean committee(Integer members, picocli.CommandLine.ParseResult parsed) {
        if (members != null && !parsed.hasMatchedOption("--preset")) {
            preset = Presets.COMMITTEE.name();
        }
        return members != null || preset() == Presets.COMMITTEE;
    }

    /**
     * The members of a committee of {@code members} (null: the preset's 7) on {@code base}: seed, seed+1, ...; under
     * the committee preset with varied distortions too.
     */
    dev.sparkmnist.committee.CommitteePlan committeePlan(TrainingConfig base, Integer members) {
        int k = members != null ? members : dev.sparkmnist.committee.CommitteePlan.PRESET_MEMBERS;
        return preset() == Presets.COMMITTEE ? dev.sparkmnist.committee.CommitteePlan.variedDistortions(base, k)
                : dev.sparkmnist.committee.CommitteePlan.seeds(base, k);
    }

    /** The named preset. */
    Presets.Preset preset() {
        return Presets.named(preset);
    }

    /** How batches are drawn: {@code --sampling}, else the preset's way. */
    BatchSampler sampler() {
        return (sampling != null ? Sampling.parse(sampling, "--sampling") : preset().sampling()).sampler();
    }

    /**
     * The validated configuration. Width and input scaling come from the options, else from {@code continued}
     * (the model training continues from, may be null), else from the preset.
     */
    TrainingConfig config(String dataDir, int partitions, ModelMetadata continued) {
        return config(dataDir, partitions, continued, 0);
    }

    /** As {@link #config(String, int, ModelMetadata)}, with {@code heldOut} training records kept out (epochs). */
    TrainingConfig config(String dataDir, int partitions, ModelMetadata continued, int heldOut) {
        Presets.Preset p = preset();
        if (epochs != null && iterations != null) {
            throw new InvalidConfigException("give --iterations or --epochs, not both");
        }
        long trainCount = -1;
        if (epochs != null || (phases != null && phases.stream().anyMatch(s -> s.contains("epochs=")))) {
            trainCount = IdxReader.readHeader(MnistFiles.train(dataDir).labels(), IdxKind.LABELS).count() - heldOut;
        }
        List<PhaseConfig> resolved = resolvePhases(p, trainCount);
        int width = hidden != null ? hidden : continued != null ? continued.layers()[1] : p.hidden();
        InputScaling scale = resolveScaling(p, continued);
        // A global --batch-size (or a phase's batch-size) keeps its meaning, the batch over all partitions, unless
        // --partition-batch is given too; then it is the reference batch of --lr and --iterations.
        boolean globalBatchGiven = batchSize != null
                || (phases != null && phases.stream().anyMatch(s -> s.matches("(^|.*,)\\s*batch(-size)?\\s*=.*")));
        int perPartition = partitionBatch != null ? partitionBatch
                : globalBatchGiven ? 0 : p.scaleOut().partitionBatch();
        ScaleOut spread = p.scaleOut().with(perPartition,
                averaging != null ? Averaging.parse(averaging, "--averaging") : p.scaleOut().averaging());
        if (stepsGiven()) {
            // a preset's large batch is its own measured plan: batch, rate and steps given here are taken as given
            spread = spread.withoutLargeBatch();
        }
        return new TrainingConfig(width, seed, scale, partitions,
                logEvery != null ? logEvery : (p == Presets.NOTEBOOK ? 1000 : 100), resolved, spread, augmentation(p),
                tol);
    }

    /** Whether an option sets the phases' batch, rate, length or local steps. */
    private boolean stepsGiven() {
        return batchSize != null || partitionBatch != null || lr != null || iterations != null || epochs != null
                || localSteps != null || phases != null;
    }

    /** {@code --augment}, else the preset's distortions. */
    private Augmentation augmentation(Presets.Preset p) {
        if (augment == null) {
            return p.augmentation();
        }
        try {
            return Augmentation.parse(augment);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(e.getMessage());
        }
    }

    /**
     * The input scaling: a continued model keeps its stored values (when the option names another kind,
     * {@code TrainingJob} refuses the run, naming both); otherwise the option's or the preset's kind, a standard
     * scaling to be learnt from the training data.
     */
    private InputScaling resolveScaling(Presets.Preset p, ModelMetadata continued) {
        if (continued != null && (scaling == null || scaling == continued.scaling().kind())) {
            return continued.scaling();
        }
        return InputScaling.of(scaling != null ? scaling : p.scaling());
    }

    /** The phases to run: the preset's, or the {@code --phase} list, with single options overriding each. */
    List<PhaseConfig> resolvePhases(Presets.Preset p, long trainCount) {
        List<PhaseConfig> out = new ArrayList<>();
        if (phases != null && !phases.isEmpty()) {
            PhaseConfig base = p.phases().get(p.phases().size() - 1);
            for (String spec : phases) {
                out.add(override(parsePhase(spec, base, trainCount), trainCount));
            }
        } else {
            for (PhaseConfig base : p.phases()) {
                out.add(override(base, trainCount));
            }
        }
        return out;
    }

    private PhaseConfig override(PhaseConfig b, long trainCount) {
        int batch = batchSize != null ? batchSize : b.batchSize();
        long iters = iterations != null ? iterations : b.iterations();
        if (epochs != null) {
            iters = epochsToIterations(epochs, trainCount, batch, "--epochs");
        }
        return new PhaseConfig(iters, batch, lr != null ? lr : b.learningRate(),
                lambda != null ? lambda : b.lambda(), momentum != null ? momentum : b.momentum(),
                localSteps != null ? parseLocalSteps(localSteps, "--local-steps") : b.localSteps(),
                schedule != null ? schedule : b.schedule(), nesterov != null ? nesterov : b.nesterov(),
                labelSmoothing != null ? labelSmoothing : b.labelSmoothing());
    }

    private static PhaseConfig parsePhase(String spec, PhaseConfig b, long trainCount) {
        long iters = b.iterations();
        int batch = b.batchSize();
        double rate = b.learningRate();
        double lam = b.lambda();
        double mom = b.momentum();
        int local = b.localSteps();
        LearningRateSchedule sched = b.schedule();
        boolean nag = b.nesterov();
        double smoothing = b.labelSmoothing();
        Double ep = null;
        for (String part : spec.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2) {
                throw new InvalidConfigException("--phase " + spec + ": '" + part + "' is not KEY=VALUE");
            }
            String key = kv[0].trim();
            String value = kv[1].trim();
            try {
                switch (key) {
                    case "iterations" -> iters = Long.parseLong(value);
                    case "epochs" -> ep = Double.parseDouble(value);
                    case "batch-size", "batch" -> batch = Integer.parseInt(value);
                    case "lr" -> rate = Double.parseDouble(value);
                    case "lambda" -> lam = Double.parseDouble(value);
                    case "momentum" -> mom = Double.parseDouble(value);
                    case "local-steps" -> local = parseLocalSteps(value, "--phase local-steps");
                    case "schedule" -> sched = LearningRateSchedule.valueOf(value.toUpperCase(Locale.ROOT));
                    case "nesterov" -> nag = parseBoolean(value);
                    case "label-smoothing" -> smoothing = Double.parseDouble(value);
                    default -> throw new InvalidConfigException("--phase " + spec + ": unknown key '" + key
                            + "' (known: iterations, epochs, batch-size, lr, lambda, momentum, nesterov, "
                            + "label-smoothing, local-steps, schedule)");
                }
            } catch (IllegalArgumentException e) {
                if (e instanceof InvalidConfigException ice) {
                    throw ice;
                }
                throw new InvalidConfigException("--phase " + spec + ": bad value for " + key + ": '" + value + "'");
            }
        }
        if (ep != null) {
            iters = epochsToIterations(ep, trainCount, batch, "--phase epochs");
        }
        return new PhaseConfig(iters, batch, rate, lam, mom, local, sched, nag, smoothing);
    }

    private static boolean parseBoolean(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(value);
        };
    }

    /** A local-step count, or 0 for {@code auto}. */
    static int parseLocalSteps(String value, String option) {
        if ("auto".equalsIgnoreCase(value.trim())) {
            return 0;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidConfigException(option + " must be a positive whole number or auto, got '" + value + "'");
    }

    private static long epochsToIterations(double epochs, long trainCount, int batch, String option) {
        if (!(epochs > 0) || Double.isInfinite(epochs)) {
            throw new InvalidConfigException(option + " must be a positive number, got " + epochs);
        }
        return Math.max(1, (long) Math.ceil(epochs * trainCount / batch));
    }
}
