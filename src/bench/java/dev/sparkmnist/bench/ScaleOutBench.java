package dev.sparkmnist.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.apache.spark.api.java.JavaSparkContext;

import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.IdxRddLoader.LoadedSet;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.pipeline.Presets;
import dev.sparkmnist.train.PhasePlan;
import dev.sparkmnist.train.TrainingConfig;

/**
 * Statistical efficiency of the default preset from 2 to 64 partitions (issue 12): for each partition count and
 * seed, one training run on real MNIST with test accuracy after every Spark round, giving epochs and rounds to
 * 98.0%, final accuracy, and the bytes a round moves. On two cores the tasks queue, which changes the wall time
 * but not the arithmetic, so wall time on N one-core executors is projected ({@link #projection}) from the
 * measured per-sample compute and the measured per-round cost.
 */
final class ScaleOutBench {
    /** Bytes of one float. */
    private static final int FLOAT = 4;

    private ScaleOutBench() {
    }

    /** One run of {@code config} on {@code partitions} partitions; {@code test} is the cached test set. */
    static Map<String, Object> run(JavaSparkContext sc, String dataDir, LoadedSet test, TrainingConfig base,
                                   int partitions, long seed) {
        TrainingConfig config = new TrainingConfig(base.hidden(), seed, base.scaling(), partitions, base.logEvery(),
                base.phases(), base.scaleOut());
        LoadedSet train = IdxRddLoader.load(sc, MnistFiles.train(dataDir), partitions);
        train.blocks().count();
        try {
            PhasePlan plan = config.plan(0);
            // Test accuracy about 25 times per run, at round ends: the epochs to 98% to within 0.3 epochs.
            Map<String, Object> m = OursBench.run(sc, train, test, config, Presets.DEFAULT.sampling().sampler(),
                    Math.max(plan.localSteps(), plan.iterations() / 25));
            int n = (int) new dev.sparkmnist.nn.LayerSizes(train.pixelsPerImage(), config.hidden(), 10)
                    .parameterCount();
            @SuppressWarnings("unchecked")
            List<AccuracyProbe.Checkpoint> points = (List<AccuracyProbe.Checkpoint>) m.get("checkpoints");
            AccuracyProbe.Checkpoint at98 = AccuracyProbe.first(points, 0.98);
            double epochSamples = train.count();
            long rounds = ((Number) m.get("rounds")).longValue();
            double samples = ((Number) m.get("samples")).doubleValue();
            // Per round every task fetches the shipped model (parameters + velocity, float) and returns its own.
            double bytesPerRound = 2.0 * partitions * 2L * n * FLOAT;
            double roundsPerEpoch = rounds / (samples / epochSamples);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("partitions", partitions);
            r.put("seed", seed);
            r.put("plan", plan.describe(partitions));
            r.put("globalBatch", plan.globalBatch());
            r.put("localSteps", plan.localSteps());
            r.put("averaging", plan.averaging().label());
            r.put("epochsTo980", at98 == null ? Double.NaN : at98.samples() / epochSamples);
            r.put("roundsTo980", at98 == null ? Double.NaN : (double) at98.rounds());
            r.put("finalTestAccuracy", m.get("finalTestAccuracy"));
            r.put("bestTestAccuracy", m.get("bestTestAccuracy"));
            r.put("epochs", samples / epochSamples);
            r.put("rounds", rounds);
            r.put("roundsPerEpoch", roundsPerEpoch);
            r.put("bytesPerRound", bytesPerRound);
            r.put("bytesPerEpoch", bytesPerRound * roundsPerEpoch);
            double taskSeconds = ((Number) m.get("taskSeconds")).doubleValue();
            double wall = ((Number) m.get("trainSeconds")).doubleValue();
            r.put("trainSeconds", wall);
            r.put("taskSeconds", taskSeconds);
            r.put("computeSecondsPerSample", taskSeconds / samples);
            // What a round costs beyond the tasks' arithmetic, with the tasks spread over local[2]'s two cores.
            r.put("roundOverheadSeconds", Math.max(0, wall - taskSeconds / Math.min(2, partitions)) / rounds);
            r.put("parameters", n);
            return r;
        } finally {
            train.blocks().unpersist(true);
        }
    }

    /**
     * Projected seconds per epoch on N one-core executors, for every measured partition count N:
     * {@code T(N) = R(N) * (a + s * K(N) * b / N + c0 + c1 * N + N * 8p / bandwidth)} with R(N) rounds per epoch,
     * {@code a + s * K(N) * b / N} one task's time for the K(N) * b / N samples it works through per round (a its
     * fixed cost, s the compute per sample on one core, both fitted over all runs: a task's time is
     * {@code a + s * samples}), c0 + c1 * N the per-round cost beyond the tasks fitted over the measured partition
     * counts, and 8p bytes (parameters and velocity as float) collected from each executor into the driver. One
     * executor (the baseline) runs the 2-partition plan's tasks one after the other:
     * {@code T1 = R(2) * (2 * (a + s * K(2) * b / 2) + c0 + 2 * c1 + 2 * 8p / bandwidth)}.
     */
    static Map<String, Object> projection(List<Map<String, Object>> runs, double bandwidthBytesPerSecond) {
        double[] fit = fitRoundCost(runs);
        double[] task = fitTaskCost(runs);
        double a = task[0];
        double s = task[1];
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("taskFixedSeconds", a);
        out.put("computeSecondsPerSample", s);
        out.put("roundCostFixedSeconds", fit[0]);
        out.put("roundCostPerPartitionSeconds", fit[1]);
        out.put("bandwidthBytesPerSecond", bandwidthBytesPerSecond);
        List<Map<String, Object>> rows = new ArrayList<>();
        Double one = null;
        for (Map<String, Object> r : runs) {
            int n = (int) num(r, "partitions");
            if (rows.stream().anyMatch(x -> (int) x.get("executors") == n)) {
                continue;
            }
            double perTask = a + s * (num(r, "localSteps") * num(r, "globalBatch") / n);
            double round = fit[0] + fit[1] * n;
            double comm = num(r, "bytesPerRound") / 2 / bandwidthBytesPerSecond;
            double rpe = num(r, "roundsPerEpoch");
            double epoch = rpe * (perTask + round + comm);
            if (n == 2) {
                one = rpe * (2 * perTask + round + comm);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("executors", n);
            row.put("roundsPerEpoch", rpe);
            row.put("computePerRoundSeconds", perTask);
            row.put("overheadPerRoundSeconds", round);
            row.put("communicationPerRoundSeconds", comm);
            row.put("epochSeconds", epoch);
            row.put("communicationDominates", round + comm > perTask);
            rows.add(row);
        }
        if (one != null) {
            out.put("oneExecutorEpochSeconds", one);
            for (Map<String, Object> row : rows) {
                row.put("speedupOverOne", one / (double) row.get("epochSeconds"));
            }
        }
        out.put("rows", rows);
        return out;
    }

    /**
     * Least-squares fit of the runs' time inside tasks to {@code a * tasks + s * samples}: {a, s}, a task's fixed
     * cost and its compute per sample. Many small tasks (synchronous rounds over many partitions) measure a, the
     * few large ones of local SGD measure s.
     */
    static double[] fitTaskCost(List<Map<String, Object>> runs) {
        double[] s = normalSums(runs, r -> num(r, "rounds") * num(r, "partitions"),
                r -> num(r, "taskSeconds") / num(r, "computeSecondsPerSample"), r -> num(r, "taskSeconds"));
        double tt = s[0], tn = s[1], nn = s[2], ty = s[3], ny = s[4];
        double den = tt * nn - tn * tn;
        if (den == 0) {
            return new double[] {0, ny / nn};
        }
        double a = Math.max(0, (ty * nn - tn * ny) / den);
        return new double[] {a, a == 0 ? ny / nn : (tt * ny - tn * ty) / den};
    }

    /** Least-squares line through (partitions, per-round overhead): {c0, c1}. */
    static double[] fitRoundCost(List<Map<String, Object>> runs) {
        double[] s = normalSums(runs, r -> 1, r -> num(r, "partitions"), r -> num(r, "roundOverheadSeconds"));
        double n = s[0], sx = s[1], sxx = s[2], sy = s[3], sxy = s[4];
        double den = n * sxx - sx * sx;
        double c1 = den == 0 ? 0 : Math.max(0, (n * sxy - sx * sy) / den);
        double c0 = Math.max(0, (sy - c1 * sx) / n);
        return new double[] {c0, c1};
    }

    /** The sums of the normal equations for y = a u + b v over the runs: {uu, uv, vv, uy, vy}. */
    private static double[] normalSums(List<Map<String, Object>> runs, ToDoubleFunction<Map<String, Object>> u,
                                       ToDoubleFunction<Map<String, Object>> v,
                                       ToDoubleFunction<Map<String, Object>> y) {
        double[] s = new double[5];
        for (Map<String, Object> r : runs) {
            double a = u.applyAsDouble(r);
            double b = v.applyAsDouble(r);
            double c = y.applyAsDouble(r);
            s[0] += a * a;
            s[1] += a * b;
            s[2] += b * b;
            s[3] += a * c;
            s[4] += b * c;
        }
        return s;
    }

    static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    static String describe(Map<String, Object> r) {
        return String.format(Locale.ROOT, "%d partitions seed %d: epochs to 98%% %.2f, rounds %.0f, final %.4f, "
                        + "best %.4f, %.1f s; %s", (int) num(r, "partitions"), (long) num(r, "seed"),
                num(r, "epochsTo980"), num(r, "roundsTo980"), num(r, "finalTestAccuracy"),
                num(r, "bestTestAccuracy"), num(r, "trainSeconds"), r.get("plan"));
    }
}
