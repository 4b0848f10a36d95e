package dev.sparkmnist.bench;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.eval.Evaluator;
import dev.sparkmnist.train.RoundStats;
import dev.sparkmnist.train.TrainingListener;
import dev.sparkmnist.train.TrainingState;

/**
 * Measures test accuracy every {@code every} iterations during training, and keeps its own time out of the
 * training clock: each checkpoint records the training time so far without any evaluation.
 */
final class AccuracyProbe implements TrainingListener {
    static final String TRAIN_GROUP = "bench-train";
    private static final String EVAL_GROUP = "bench-eval";

    private final JavaSparkContext sc;
    private final JavaRDD<ImageBlock> test;
    private final InputScaling scaling;
    private final long every;
    private final long started = System.nanoTime();
    private final List<Checkpoint> checkpoints = new ArrayList<>();
    private long iterations;
    private long nextEval;
    private long evalNanos;
    private long samples;
    private long rounds;

    AccuracyProbe(JavaSparkContext sc, JavaRDD<ImageBlock> test, InputScaling scaling, long every) {
        this.sc = sc;
        this.test = test;
        this.scaling = scaling;
        this.every = every;
        this.nextEval = every;
        sc.setJobGroup(TRAIN_GROUP, "training", false);
    }

    @Override
    public void afterRound(TrainingState state, RoundStats stats) {
        iterations += stats.iterations();
        samples += stats.samples();
        rounds++;
        if (iterations >= nextEval) {
            nextEval = (iterations / every + 1) * every;
            evaluate(state);
        }
    }

    @Override
    public void finished(TrainingState state) {
        if (checkpoints.isEmpty() || checkpoints.get(checkpoints.size() - 1).iteration() != iterations) {
            evaluate(state);
        }
    }

    private void evaluate(TrainingState state) {
        long t0 = System.nanoTime();
        double trainSeconds = (t0 - started - evalNanos) / 1e9;
        sc.setJobGroup(EVAL_GROUP, "evaluation", false);
        double acc = Evaluator.confusion(sc, test, state.network(), scaling).accuracy();
        sc.setJobGroup(TRAIN_GROUP, "training", false);
        checkpoints.add(new Checkpoint(iterations, rounds, samples, trainSeconds, acc));
        evalNanos += System.nanoTime() - t0;
    }

    List<Checkpoint> checkpoints() {
        return checkpoints;
    }

    double evalSeconds() {
        return evalNanos / 1e9;
    }

    /** Training time (without evaluation) when test accuracy first reached {@code target}, or NaN. */
    static double timeTo(List<Checkpoint> points, double target) {
        for (Checkpoint c : points) {
            if (c.testAccuracy() >= target) {
                return c.trainSeconds();
            }
        }
        return Double.NaN;
    }

    /** The first measurement at or above {@code target}, or null. */
    static Checkpoint first(List<Checkpoint> points, double target) {
        return points.stream().filter(c -> c.testAccuracy() >= target).findFirst().orElse(null);
    }

    /** One measurement: iterations, Spark rounds and samples so far, training seconds so far, test accuracy. */
    record Checkpoint(long iteration, long rounds, long samples, double trainSeconds, double testAccuracy) {
    }
}
