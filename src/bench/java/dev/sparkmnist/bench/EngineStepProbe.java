package dev.sparkmnist.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import dev.sparkmnist.augment.Augmentation;
import dev.sparkmnist.collective.CollectiveEngine;
import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.data.PixelStatistics;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.pipeline.Presets;
import dev.sparkmnist.pipeline.SparkContexts;
import dev.sparkmnist.train.BatchSampler;
import dev.sparkmnist.train.DistributedTrainer;
import dev.sparkmnist.train.JobPerRoundEngine;
import dev.sparkmnist.train.LearningRateSchedule;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.PhaseEngine;
import dev.sparkmnist.train.RoundStats;
import dev.sparkmnist.train.ScaleOut;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingListener;
import dev.sparkmnist.train.TrainingState;

/**
 * One Spark master of {@link EngineBench}, in a JVM of its own (a {@code local-cluster} master needs its own
 * driver JVM, and every master gets a fresh one so that they compare alike): times training phases of a given
 * number of steps on either engine and reports the time per step.
 *
 * <p>The time per step is taken inside the tasks: the sampler of partition 0 notes the wall clock (microseconds,
 * the same clock in every JVM of this machine) when it draws the batch of step {@code s1} and of step
 * {@code s2 - 1} of a run of {@code s2} steps, so the {@code s2 - 1 - s1} steps between are timed without the
 * run's one-off costs (the collective engine's stage start, tracker and mesh; the phase's set-up) and without
 * depending on when the driver hears of a round (the collective engine relays rounds in batches). Every probe is
 * run once to warm up, then {@code repeats} times, the probes interleaved so that a noisy minute hits them all
 * alike; the median of the repeats is reported, with the run's whole wall time. For the job engine the median
 * interval between rounds seen by a listener on the driver is reported too, as a check.
 *
 * <p>Arguments: {@code MASTER DATA_DIR OUT_JSON REPEATS PROBE...}, each probe
 * {@code engine:hidden:partitions:batch:localSteps:s1:s2[:best]} ({@code best}: the best preset's distortions and
 * sampling). The data is MNIST's 10,000 test images (what the steps compute on does not matter here).
 */
public final class EngineStepProbe {
    private EngineStepProbe() {
    }

    /** One timed configuration. */
    record Probe(String engine, int hidden, int partitions, int batch, int localSteps, int s1, int s2,
                 boolean best) {
        static Probe parse(String text) {
            String[] f = text.split(":");
            return new Probe(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]),
                    f.length > 7 && f[7].equals("best"));
        }

        String text() {
            return engine + ":" + hidden + ":" + partitions + ":" + batch + ":" + localSteps + ":" + s1 + ":" + s2
                    + (best ? ":best" : "");
        }
    }

    public static void main(String[] args) throws Exception {
        String master = args[0];
        String dataDir = args[1];
        Path out = Path.of(args[2]);
        int repeats = Integer.parseInt(args[3]);
        List<Probe> probes = Arrays.stream(args, 4, args.length).map(Probe::parse).toList();
        SparkConf conf = SparkContexts.withDefaults(new SparkConf().setMaster(master)
                .setAppName("spark-mnist engine bench " + master).set("spark.ui.enabled", "false"));
        List<Map<String, Object>> results = new ArrayList<>();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            int executors = awaitExecutors(sc, master);
            Map<Integer, JavaRDD<ImageBlock>> data = new HashMap<>();
            Map<Integer, InputScaling> scaling = new HashMap<>();
            for (Probe p : probes) {
                data.computeIfAbsent(p.partitions(), n -> {
                    JavaRDD<ImageBlock> b = IdxRddLoader.load(sc, MnistFiles.test(dataDir), n).blocks();
                    b.count();
                    scaling.put(n, PixelStatistics.of(b).standardisation());
                    return b;
                });
            }
            Map<Probe, PhaseEngine> engines = new LinkedHashMap<>();
            for (Probe p : probes) {
                engines.put(p, p.engine().equals("job") ? new JobPerRoundEngine(sc) : new CollectiveEngine(sc));
            }
            Map<Probe, double[]> perStep = new HashMap<>();
            Map<Probe, double[]> walls = new HashMap<>();
            Map<Probe, List<Double>> intervals = new HashMap<>();
            Path marks = out.resolveSibling(out.getFileName() + ".marks");
            for (Probe p : probes) { // warm-up: JIT, the collective engine's regrouped input, executors' caches
                time(sc, p, engines.get(p), data.get(p.partitions()), scaling.get(p.partitions()), marks,
                        (p.s1() + p.s2()) / 2, null);
                perStep.put(p, new double[repeats]);
                walls.put(p, new double[repeats]);
                intervals.put(p, new ArrayList<>());
            }
            for (int r = 0; r < repeats; r++) {
                for (Probe p : probes) {
                    double[] t = time(sc, p, engines.get(p), data.get(p.partitions()), scaling.get(p.partitions()),
                            marks, p.s2(), intervals.get(p));
                    walls.get(p)[r] = t[0];
                    perStep.get(p)[r] = t[1];
                    System.err.printf("engine bench %s %s: %.3f ms per step (whole run of %d steps %.2f s)%n", master,
                            p.text(), t[1] * 1e3, p.s2(), t[0]);
                }
            }
            for (Probe p : probes) {
                double step = BarrierBench.median(perStep.get(p));
                double wall = BarrierBench.median(walls.get(p));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("master", master);
                m.put("executors", executors);
                m.put("probe", p.text());
                m.put("engine", p.engine());
                m.put("hidden", p.hidden());
                m.put("parameters", new LayerSizes(784, p.hidden(), 10).parameterCount());
                m.put("partitions", p.partitions());
                m.put("batch", p.batch());
                m.put("localSteps", p.localSteps());
                m.put("steps", p.s2());
                m.put("timedSteps", List.of(p.s1(), p.s2() - 1));
                m.put("msPerStep", step * 1e3);
                m.put("msPerStepAll", Arrays.stream(perStep.get(p)).map(v -> v * 1e3).boxed().toList());
                m.put("runSecondsAll", Arrays.stream(walls.get(p)).boxed().toList());
                m.put("fixedSecondsPerRun", wall - p.s2() * step);
                double[] iv = intervals.get(p).stream().mapToDouble(Double::doubleValue).toArray();
                if (p.engine().equals("job") && iv.length > 0) {
                    m.put("listenerMsPerRoundMedian", BarrierBench.median(iv) * 1e3);
                }
                results.add(m);
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), results);
    }

    /** Executors that run tasks: on {@code local-cluster[N,..]} waits (at most 5 minutes) until all N are up. */
    private static int awaitExecutors(JavaSparkContext sc, String master) throws InterruptedException {
        if (!master.startsWith("local-cluster")) {
            return 1;
        }
        int wanted = Integer.parseInt(master.replaceAll("local-cluster\\[(\\d+),.*", "$1"));
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (sc.statusTracker().getExecutorInfos().length - 1 < wanted) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(master + ": only " + (sc.statusTracker().getExecutorInfos().length
                        - 1) + " executors came up in 5 minutes");
            }
            Thread.sleep(100);
        }
        return wanted;
    }

    /**
     * One training phase of {@code steps} steps of {@code p} from fresh weights: {wall seconds, seconds per step
     * from step {@code s1} to step {@code steps - 1}}. The intervals between rounds seen on the driver (after the
     * first) go to {@code intervals} when it is not null.
     */
    private static double[] time(JavaSparkContext sc, Probe p, PhaseEngine engine, JavaRDD<ImageBlock> blocks,
                                 InputScaling scaling, Path marks, int steps, List<Double> intervals)
            throws java.io.IOException {
        PhaseConfig phase = new PhaseConfig(steps, p.batch(), 1e-4, 1e-4, 0.9, p.localSteps(),
                LearningRateSchedule.CONSTANT);
        Presets.Preset preset = p.best() ? Presets.BEST : Presets.DEFAULT;
        TrainingConfig config = new TrainingConfig(p.hidden(), 42, scaling, p.partitions(), 1_000_000,
                List.of(phase), ScaleOut.SPLIT, p.best() ? preset.augmentation() : Augmentation.NONE);
        RoundClock clock = new RoundClock();
        Network start = Network.initialise(new LayerSizes(784, p.hidden(), 10), 42);
        Files.deleteIfExists(marks);
        MarkingSampler sampler = new MarkingSampler(preset.sampling().sampler(), marks.toAbsolutePath().toString(),
                p.s1(), steps - 1);
        long t0 = System.nanoTime();
        new DistributedTrainer(sc, config, sampler, List.of(clock), engine).train(blocks, TrainingState.start(start));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (intervals != null) {
            for (int i = 2; i < clock.times.size(); i++) {
                intervals.add((clock.times.get(i) - clock.times.get(i - 1)) / 1e9);
            }
        }
        // The earliest note of each marked step (a retried task would note it again).
        Map<Long, Long> first = new HashMap<>();
        for (String line : Files.readAllLines(marks)) {
            String[] f = line.trim().split(" ");
            first.merge(Long.parseLong(f[0]), Long.parseLong(f[1]), Math::min);
        }
        Long from = first.get((long) p.s1());
        Long to = first.get(steps - 1L);
        if (from == null || to == null || steps - 1 <= p.s1()) {
            throw new IllegalStateException("steps " + p.s1() + " and " + (steps - 1) + " were not both drawn: "
                    + first);
        }
        return new double[] {seconds, (to - from) / 1e6 / (steps - 1 - p.s1())};
    }

    /**
     * The run's sampler, noting in {@code file} the wall clock (epoch microseconds) at which partition 0 draws
     * the batch of step {@code from} and of step {@code to}. Appends of one short line each; the file is on this
     * machine, which all executors share.
     */
    record MarkingSampler(BatchSampler inner, String file, long from, long to) implements BatchSampler {
        @Override
        public int draw(long seed, long step, int partition, long firstRecord, int partitionRecords, int share,
                        int[] out) {
            if (partition == 0 && (step == from || step == to)) {
                java.time.Instant now = java.time.Instant.now();
                long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
                try {
                    Files.writeString(Path.of(file), step + " " + micros + "\n",
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return inner.draw(seed, step, partition, firstRecord, partitionRecords, share, out);
        }
    }

    /** When each round reached the driver's listeners; never reads the weights. */
    private static final class RoundClock implements TrainingListener {
        private final List<Long> times = new ArrayList<>();

        @Override
        public void afterRound(TrainingState state, RoundStats stats) {
            times.add(System.nanoTime());
        }

        @Override
        public boolean needsWeights() {
            return false;
        }
    }
}
