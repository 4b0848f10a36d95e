package dev.sparkmnist.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.sparkmnist.model.Json;
import dev.sparkmnist.nn.LayerSizes;

/**
 * Wall time per epoch of synchronous SGD on the collective engine on N one-core executors at 10 Gbit/s, from this
 * machine's measurements ({@link EngineBench}):
 * <pre>
 *   step(N) = (B/N) s + u/N + 2(N-1) alpha + bytes(N) / 1.25e9      (N >= 2; step(1) = B s + u)
 *   bytes(N) = (C(B/N) P/N + 4n) (N-1)/N,  P = N                     (SparseRows to the owners, float weights)
 *   C(b) = 4 (b (h + 2 * 784 * 0.19) + 785 + h + (n - 784 h))            (a partition's SparseRows and tail)
 *   epoch(N) = (records / B) step(N);  speed-up(N) = epoch(1) / epoch(N)
 * </pre>
 * with B the global batch, s the compute per sample on one core (the engine's float sparse-input kernel: the
 * smaller of this run's slope between 1- and 256-sample steps on one task and the full benchmark's time inside
 * tasks per sample in {@code bench/results.json}), u the per-step float update of the n-parameter model, estimated
 * as a 1-sample step of the float kernel on one task less its sample's compute (each of N tasks updates only the
 * slice it owns, ZeRO-1, so it shrinks with N),
 * alpha the latency per message and {@code bytes} what each task sends (and receives) per step: its partitions'
 * SparseRows (their W1 gradients as the few numbers they are made of, MNIST's 19% inked inputs) to every other
 * owner ({@code OrderedAllReduce}, {@code Contribution}), then its new float weights ({@code WeightGather}). Not
 * modelled: the one stage start per phase (about a second), stragglers, and overlap of compute with the exchange
 * (there is none).
 */
final class EngineProjection {
    static final double BANDWIDTH = 1.25e9;
    static final int[] EXECUTORS = {1, 2, 4, 8, 16, 32, 64};

    private EngineProjection() {
    }

    /**
     * Bytes each of {@code tasks} tasks sends per step in {@code OrderedAllReduce#reduce} for {@code partitions}
     * partitions of an {@code n}-parameter model with double gradients (the probes' {@code --local-steps 1}): its
     * partitions' pieces of every other owner's slice, then its own summed slice (double) to every other task.
     */
    static double doublePathBytes(long n, int partitions, int tasks) {
        if (tasks <= 1) {
            return 0;
        }
        return (8.0 * n * partitions / tasks + 8.0 * n) * (tasks - 1) / tasks;
    }

    /** MNIST's share of inputs that differ from the blank background (the sparse kernel's figure). */
    static final double INKED = 0.19;

    /**
     * Bytes each of {@code tasks} tasks sends per step on the synchronous float path for {@code partitions}
     * partitions of a 784-{@code hidden}-10 model at {@code partitionBatch} samples per partition: to every other
     * owner its partitions' {@link #sparseRowsBytes SparseRows}, then its slice of the new float weights.
     */
    static double shardedFloatBytes(int hidden, double partitionBatch, int partitions, int tasks) {
        if (tasks <= 1) {
            return 0;
        }
        long n = new LayerSizes(784, hidden, 10).parameterCount();
        return (sparseRowsBytes(hidden, partitionBatch) * partitions / tasks + 4.0 * n) * (tasks - 1) / tasks;
    }

    /**
     * A partition's contribution on the float path: its batch's hidden-layer errors (b x hidden floats), its inked
     * inputs (b x 784 x INKED values and sample indices), the 785 column starts, the rows' start (hidden floats)
     * and the gradient past W1 (b1, W2, b2), 4 bytes each.
     */
    static double sparseRowsBytes(int hidden, double partitionBatch) {
        long n = new LayerSizes(784, hidden, 10).parameterCount();
        return 4.0 * (partitionBatch * (hidden + 2 * 784 * INKED) + 785 + hidden + (n - 784L * hidden));
    }

    /** The projection for the default preset, the best preset and the 3M generated set. */
    static Map<String, Object> of(List<Map<String, Object>> probes, double alpha, List<String[]> rows) {
        double[] earlier = earlierPerSample(Path.of("bench/results.json"));
        double measuredDefault = perSample(probes, 512);
        double measuredBest = perSample(probes, 800);
        // The smaller of this run's figure and the full benchmark's: a busy machine slows one core's compute
        // (never speeds it up), and more compute per step would flatter the speed-ups.
        double sDefault = Math.min(measuredDefault, earlier[0]);
        double sBest = Math.min(measuredBest, earlier[1]);
        double u512 = floatUpdate(probes, 512, measuredDefault);
        double u800 = floatUpdate(probes, 800, measuredBest);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("formula", "step(N) = (B/N)*s + u/N + 2(N-1)*alpha + bytes(N)/1.25e9 for N >= 2, step(1) = B*s + u; "
                + "bytes(N) = (C(B/N)*P/N + 4n)*(N-1)/N with P = N, C(b) = 4*(b*(h + 2*784*0.19) + 785 + h + "
                + "(n - 784h)) (each partition's SparseRows to the slices' owners, OrderedAllReduce; the owners' new "
                + "float weights, WeightGather); epoch(N) = records/B * step(N); speed-up = epoch(1)/epoch(N)");
        out.put("alphaSeconds", alpha);
        out.put("alphaNote", "a stated figure for 10 Gbit/s Ethernet within a rack: a small TCP message costs "
                + "about 10-30 us of kernel and NIC path plus a few us of wire and switch, and the receiving thread's "
                + "wake-up on a dedicated core; 50 us leaves room above that. The loopback alpha of alphaBeta is "
                + "not used: on this machine it is mostly the wait for one of 2 cores shared by up to 9 busy JVMs "
                + "(and other users' work), not a network's latency; projectionAtMeasuredAlpha shows its effect");
        out.put("bandwidthBytesPerSecond", BANDWIDTH);
        out.put("computeSecondsPerSampleDefault", sDefault);
        out.put("computeSecondsPerSampleBest", sBest);
        out.put("computeSecondsPerSampleDefaultThisRun", measuredDefault);
        out.put("computeSecondsPerSampleBestThisRun", measuredBest);
        out.put("computeSecondsPerSampleDefaultResultsJson", earlier[0]);
        out.put("computeSecondsPerSampleBestResultsJson", earlier[1]);
        out.put("updateSecondsPerStep512", u512);
        out.put("updateSecondsPerStep800", u800);
        out.put("updateSecondsPerStepDouble512", doubleFloor(probes, 512));
        out.put("updateSecondsPerStepDouble800", doubleFloor(probes, 800));
        out.put("sources", "s: the smaller of bench/results.json's (ours: median of taskSeconds / samples, the "
                + "default preset on 2 partitions; best: median of taskSecondsWithDistortion / samples) and this "
                + "run's slope between the local[1] probes collective:H:1:1:0 and collective:H:1:256:0 (H "
                + "512; H 800 with the best preset's distortions: steps of 1 and 256 samples on one task, the float "
                + "sparse-input kernel of local SGD); u: the float update of the synchronous float path, the local[1] "
                + "probe collective:H:1:1:0 (steps of 1 sample on 1 task: the float update and the step's O(n) work, "
                + "local SGD's float momentum step, which the sharded update runs) less this run's s (its 1 sample): "
                + "an estimate under the probes' load, local SGD on one partition spreading its round's own work over "
                + "32 steps, without the owners' summing of the partitions' contributions, which the double path's "
                + "floor collective:H:1:1:1 (updateSecondsPerStepDouble, no longer used) did not hold either; alpha: "
                + "stated, see alphaNote");
        List<Map<String, Object>> cases = new ArrayList<>();
        cases.add(project("default preset (784-512-10, 60k images)", 60_000, 512, sDefault, u512, alpha,
                new int[] {256, 1024}, 0, rows));
        cases.add(project("best preset (784-800-10 with distortions, 60k images)", 60_000, 800, sBest, u800, alpha,
                new int[] {256, 2048, 4096}, 8, rows));
        cases.add(project("3M generated set, default model", 3_000_000, 512, sDefault, u512, alpha,
                new int[] {256, 4096, 16384, 32768}, 16, rows));
        out.put("cases", cases);
        return out;
    }

    /** Speed-ups on 32 executors of the cases' last rows: "default / best / 3M" at their largest batches. */
    @SuppressWarnings("unchecked")
    static String speedupAt32(Map<String, Object> projection) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) projection.get("cases")) {
            List<Map<String, Object>> batches = (List<Map<String, Object>>) c.get("byBatch");
            Map<String, Object> b = c.get("case").toString().startsWith("default") ? batches.get(0)
                    : batches.get(batches.size() - 1);
            out.add(EngineBench.f((double) ((List<Map<String, Object>>) b.get("rows")).get(5).get("speedupOverOne"),
                    1));
        }
        return String.join(" / ", out);
    }

    /**
     * Seconds per sample on one core in an earlier full benchmark ({@code file}'s {@code ours} and {@code best}
     * runs: time inside tasks over samples, medians): {default preset, best preset}; infinite where absent.
     */
    @SuppressWarnings("unchecked")
    private static double[] earlierPerSample(Path file) {
        double[] out = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try {
            Map<String, Object> json = Json.MAPPER.readValue(file.toFile(), Map.class);
            String[][] keys = {{"ours", "taskSeconds"}, {"best", "taskSecondsWithDistortion"}};
            for (int k = 0; k < 2; k++) {
                if (json.get(keys[k][0]) instanceof List<?> runs && !runs.isEmpty()) {
                    String key = keys[k][1];
                    out[k] = BarrierBench.median(runs.stream().map(r -> (Map<String, Object>) r)
                            .mapToDouble(r -> EngineBench.num(r, key) / EngineBench.num(r, "samples")).toArray());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Seconds of the synchronous float path's per-step update of the 784-{@code hidden}-10 model on one core: a
     * 1-sample step of the float kernel on one task (local SGD's float momentum update, the one
     * {@code ShardedUpdate} runs on each owner's slice) less that sample's compute {@code perSample}.
     */
    private static double floatUpdate(List<Map<String, Object>> probes, int hidden, double perSample) {
        return EngineBench.num(EngineBench.find(probes, "local[1]", "collective", hidden, 1, 1, 0), "msPerStep") / 1e3
                - perSample;
    }

    /** Seconds of the double path's 1-sample synchronous step on one task (compute, double update, O(n) work). */
    private static double doubleFloor(List<Map<String, Object>> probes, int hidden) {
        return EngineBench.num(EngineBench.find(probes, "local[1]", "collective", hidden, 1, 1, 1), "msPerStep") / 1e3;
    }

    /**
     * Seconds per sample on one core for the model of {@code hidden} units (800: the best preset, with its
     * distortions): the slope between steps of 1 and of 256 samples on one task, so that the per-step update of
     * the model is left out.
     */
    private static double perSample(List<Map<String, Object>> probes, int hidden) {
        double one = EngineBench.num(EngineBench.find(probes, "local[1]", "collective", hidden, 1, 1, 0),
                "msPerStep");
        double many = EngineBench.num(EngineBench.find(probes, "local[1]", "collective", hidden, 1, 256, 0),
                "msPerStep");
        return (many - one) / 255e3;
    }

    private static Map<String, Object> project(String name, int records, int hidden, double s, double u,
                                               double alpha, int[] batches, double target, List<String[]> rows) {
        long n = new LayerSizes(784, hidden, 10).parameterCount();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("case", name);
        c.put("records", records);
        c.put("parameters", n);
        List<Map<String, Object>> byBatch = new ArrayList<>();
        for (int b : batches) {
            List<Map<String, Object>> table = new ArrayList<>();
            double one = 0;
            StringBuilder speedups = new StringBuilder();
            for (int e : EXECUTORS) {
                double compute = (double) b / e * s;
                double latency = 2.0 * (e - 1) * alpha;
                double transfer = shardedFloatBytes(hidden, (double) b / e, e, e) / BANDWIDTH;
                double update = u / e;   // sharded: each task steps its slice
                double step = compute + update + latency + transfer;
                double epoch = (double) records / b * step;
                if (e == 1) {
                    one = epoch;
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("executors", e);
                r.put("computeMs", compute * 1e3);
                r.put("updateMs", update * 1e3);
                r.put("latencyMs", latency * 1e3);
                r.put("transferMs", transfer * 1e3);
                r.put("stepMs", step * 1e3);
                r.put("epochSeconds", epoch);
                r.put("speedupOverOne", one / epoch);
                table.add(r);
                speedups.append(e == 1 ? "" : " ").append(EngineBench.f(one / epoch, 1));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("globalBatch", b);
            m.put("stepsPerEpoch", (double) records / b);
            m.put("rows", table);
            byBatch.add(m);
            Map<String, Object> at32 = table.get(5);
            rows.add(new String[] {String.format(Locale.ROOT, "projection, %s, batch %d: epoch s on 1 / 32 "
                            + "executors; speed-up on 1,2,4,8,16,32,64", name, b),
                    EngineBench.f((double) table.get(0).get("epochSeconds"), 2) + " / "
                            + EngineBench.f((double) at32.get("epochSeconds"), 2) + "; " + speedups,
                    target > 0 ? ((double) at32.get("speedupOverOne") >= target ? "at 32 >= " + target + "x"
                            : "at 32 < " + target + "x") : ""});
        }
        c.put("byBatch", byBatch);
        if (target > 0) {
            // the smallest global batch whose speed-up on 32 reaches the target (the bytes grow with the batch)
            int e = 32;
            double need = Double.NaN;
            for (int batch = 64; batch <= 1 << 22; batch += 64) {
                double comm = 2.0 * (e - 1) * alpha + shardedFloatBytes(hidden, (double) batch / e, e, e) / BANDWIDTH;
                if ((batch * s + u) / (batch * s / e + u / e + comm) >= target) {
                    need = batch;
                    break;
                }
            }
            c.put("targetSpeedupAt32", target);
            c.put("globalBatchForTargetAt32", need);
            rows.add(new String[] {String.format(Locale.ROOT, "projection, %s: global batch for %.0fx on 32 "
                    + "executors (accuracy at that batch not measured here)", name, target), EngineBench.f(need, 0),
                    ""});
        }
        return c;
    }
}
