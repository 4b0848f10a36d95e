package dev.sparkmnist.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.IdxRddLoader.LoadedSet;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.pipeline.BlasReport;
import dev.sparkmnist.pipeline.Presets;
import dev.sparkmnist.pipeline.SparkContexts;
import dev.sparkmnist.train.Averaging;
import dev.sparkmnist.train.LearningRateSchedule;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.Sampling;
import dev.sparkmnist.train.ScaleOut;
import dev.sparkmnist.train.TrainingConfig;

/**
 * The side-by-side benchmark (run by {@code bench/run.sh}): our default preset against Spark MLlib's
 * {@code MultilayerPerceptronClassifier} on the same MNIST files and the same {@code local[2]} Spark, plus the
 * gradient kernel against the BLAS gemm ceiling, the cache's bytes per pixel, the notebook preset's per-job cost
 * and throughput on generated 600k and 3M sets. Prints a table and writes everything to a JSON file.
 *
 * <p>Options: {@code --data-dir DIR --out FILE --work DIR --repeats N --only a,b --sizes 60000,600000
 * --scale-iterations N --mlpc-iterations N --mlpc-chunk N}; for tuning the preset: {@code --iterations --batch
 * --lr --lambda --momentum --nesterov --label-smoothing --sampling --local-steps --hidden --seed --eval-every}.
 */
public final class BenchMain {
    private final Map<String, String> opts = new HashMap<>();
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final List<String[]> rows = new ArrayList<>();
    /**
     * The results file as it was: the sections this run does not measure are kept (the long ones run only when
     * named, so even a full run measures only some; a run must not erase the rest of the file).
     */
    private Map<String, Object> earlier;
    /** What describes one run rather than a section: a partial run files these under {@value #PARTIAL_RUN}. */
    private static final Set<String> RUN_KEYS = Set.of("sparkMaster", "partitions", "blasDriver", "blasExecutors",
            "cacheBytesPerPixel", "benchSeconds", "table");
    private static final String PARTIAL_RUN = "lastPartialRun";
    /** The training set's own standardisation, learnt once after loading. */
    private InputScaling learntStandard;

    public static void main(String[] args) throws IOException {
        new BenchMain(args).run();
    }

    private BenchMain(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
    }

    private String opt(String key, String fallback) {
        return opts.getOrDefault(key, fallback);
    }

    private boolean wants(String section) {
        String only = opts.get("only");
        return only == null || Set.of(only.split(",")).contains(section);
    }

    /** Sections too long for the default run: only when --only names them. */
    private boolean named(String section) {
        String only = opts.get("only");
        return only != null && Set.of(only.split(",")).contains(section);
    }

    private void run() throws IOException {
        String dataDir = opt("data-dir", "../shared/data/mnist");
        long benchStart = System.nanoTime();
        // The job's own defaults (SparkContexts), so the benchmark measures the settings users run with.
        SparkConf conf = SparkContexts.withDefaults(new SparkConf().setIfMissing("spark.master", "local[2]")
                .setIfMissing("spark.ui.enabled", "false"));
        SparkSession spark = SparkSession.builder().config(conf).appName("spark-mnist bench").getOrCreate();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int partitions = sc.defaultParallelism();
        List<String> executorBlas = BlasReport.log(sc);
        json.put("sparkMaster", sc.master());
        json.put("partitions", partitions);
        json.put("blasDriver", dev.sparkmnist.nn.Blas.implementation());
        json.put("blasExecutors", executorBlas);

        LoadedSet train = IdxRddLoader.load(sc, MnistFiles.train(dataDir), partitions);
        LoadedSet test = IdxRddLoader.load(sc, MnistFiles.test(dataDir), partitions);
        learntStandard = dev.sparkmnist.data.PixelStatistics.of(train.blocks()).standardisation();
        test.blocks().count();
        double bpp = ScaleBench.bytesPerPixel(sc, train);
        json.put("cacheBytesPerPixel", bpp);
        row("cache: bytes per training pixel (target <= 1.1)", f(bpp, 3), bpp <= 1.1 ? "met" : "missed");

        TrainingConfig ours = oursConfig(partitions);
        LayerSizes sizes = new LayerSizes(train.pixelsPerImage(), ours.hidden(), 10);
        Path out = Path.of(opt("out", "bench/results.json"));
        earlier = readEarlier(out);
        if (wants("kernel")) {
            kernel(sizes, ours.phases().get(0).batchSize() / partitions);
            save(out);
        }
        if (wants("ours")) {
            oursSection(sc, train, test, ours);
            save(out);
        }
        if (wants("notebook")) {
            notebook(sc, train, test, partitions);
            save(out);
        }
        if (wants("scale")) {
            scale(sc, dataDir, ours);
            save(out);
        }
        if (wants("barrier")) {
            barrier(sc, partitions);
            save(out);
        }
        if (named("scaleout")) { // about 46 minutes for 2..64 partitions x 3 seeds: only when asked for by name
            scaleOut(sc, dataDir, test, ours, out);
        }
        if (named("best")) { // 3-4 minutes per seed with OpenBLAS: only when asked for by name
            best(sc, train, test, partitions);
            save(out);
        }
        if (named("committee")) { // issue 31: over an hour to train 7 members, or --committee-reuse DIR to score
            json.put("committee", CommitteeBench.run(sc, dataDir, test, opts::get));
            save(out);
        }
        if (named("engines")) { // issue 28 (30-50 minutes: child JVMs, local-cluster, submit.sh): only when named
            json.put("engines", EngineBench.run(dataDir, opts::get));
            save(out);
        }
        if (wants("mlpc")) {
            mlpc(spark, train, test, ours.hidden(), out);
        }
        json.put("benchSeconds", (System.nanoTime() - benchStart) / 1e9);
        row("whole benchmark, seconds (budget 900)", f((System.nanoTime() - benchStart) / 1e9, 0), "");
        json.put("table", rows);
        save(out);
        print();
        System.out.println("results: " + out);
        spark.stop();
    }

    /**
     * The results file {@code out} as it is, for a run to keep what it does not measure; empty when there is none
     * yet. An unreadable file is refused rather than replaced.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> readEarlier(Path out) throws IOException {
        if (!Files.exists(out)) {
            return new LinkedHashMap<>();
        }
        try {
            return Json.MAPPER.readValue(out.toFile(), LinkedHashMap.class);
        } catch (IOException e) {
            throw new IOException(out + ": not a results file this run can add to; move it away or name another "
                    + "with --out (" + e.getMessage() + ")", e);
        }
    }

    /** The preset's scaling kind with the training set's own statistics, as a training run learns them. */
    private InputScaling scaling(InputScaling.Kind kind) {
        InputScaling s = InputScaling.of(kind);
        return s.needsStatistics() ? learntStandard : s;
    }

    /** Writes what is measured so far (write, then rename), so an interrupted run still leaves its figures. */
    private void save(Path out) throws IOException {
        Map<String, Object> content = new LinkedHashMap<>(earlier);
        if (opts.containsKey("only")) { // a partial run: its table and machine lines apart from the full run's
            Map<String, Object> partial = new LinkedHashMap<>();
            partial.put("only", opts.get("only"));
            for (Map.Entry<String, Object> e : json.entrySet()) {
                (RUN_KEYS.contains(e.getKey()) ? partial : content).put(e.getKey(), e.getValue());
            }
            content.put(PARTIAL_RUN, partial);
        } else {
            content.remove(PARTIAL_RUN);
            content.putAll(json);
        }
        Path tmp = out.resolveSibling("." + out.getFileName() + ".tmp");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), content);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The default preset, or the preset with tuning overrides given on the command line. */
    private TrainingConfig oursConfig(int partitions) {
        Presets.Preset p = Presets.DEFAULT;
        PhaseConfig b = p.phases().get(0);
        PhaseConfig phase = new PhaseConfig(Long.parseLong(opt("iterations", "" + b.iterations())),
                Integer.parseInt(opt("batch", "" + b.batchSize())),
                Double.parseDouble(opt("lr", "" + b.learningRate())),
                Double.parseDouble(opt("lambda", "" + b.lambda())),
                Double.parseDouble(opt("momentum", "" + b.momentum())),
                opt("local-steps", "auto").equals("auto") ? 0 : Integer.parseInt(opt("local-steps", "0")),
                LearningRateSchedule.valueOf(opt("schedule", b.schedule().name()).toUpperCase(Locale.ROOT)),
                Boolean.parseBoolean(opt("nesterov", "" + b.nesterov())),
                Double.parseDouble(opt("label-smoothing", "" + b.labelSmoothing())));
        List<PhaseConfig> phases = new ArrayList<>(List.of(phase));
        ScaleOut so = p.scaleOut();
        ScaleOut spread = new ScaleOut(Integer.parseInt(opt("partition-batch", "" + so.partitionBatch())),
                Averaging.parse(opt("averaging", so.averaging().label()), "--averaging"),
                Double.parseDouble(opt("warmup", "" + so.warmupFraction())),
                Double.parseDouble(opt("max-lr-scale", "" + so.maxRateScale())),
                Double.parseDouble(opt("post-local", "" + so.postLocalFraction())),
                Integer.parseInt(opt("max-global-batch", "" + so.maxGlobalBatch())));
        return new TrainingConfig(Integer.parseInt(opt("hidden", "" + p.hidden())),
                Long.parseLong(opt("seed", "42")), scaling(p.scaling()), partitions, 1_000_000, phases, spread);
    }

    /** The default preset's way of drawing batches, or {@code --sampling}. */
    private Sampling oursSampling() {
        return Sampling.parse(opt("sampling", Presets.DEFAULT.sampling().word()), "--sampling");
    }

    private void kernel(LayerSizes sizes, int share) {
        Map<String, Object> k = KernelBench.run(sizes, share, Double.parseDouble(opt("kernel-seconds", "3")));
        json.put("kernel", k);
        double ratio = (double) k.get("kernelVsSgemm");
        row("BLAS loaded (driver)", String.valueOf(k.get("blas")), "");
        row("float training kernel " + k.get("shape") + ", GFLOP/s", f((double) k.get("kernelGflops"), 1), "");
        row("training tasks' kernel (W1 input-major, sparse first layer, 20% of inputs set), dense-equivalent GFLOP/s",
                f((double) k.get("sparseKernelDenseEquivalentGflops"), 1), "");
        row("double kernel (sync SGD, evaluation), GFLOP/s", f((double) k.get("doubleKernelGflops"), 1), "");
        row("netlib dgemm, same shapes, GFLOP/s", f((double) k.get("dgemmGflops"), 1), "");
        row("netlib sgemm, same shapes, GFLOP/s", f((double) k.get("sgemmGflops"), 1), "");
        row("kernel / sgemm (target >= 0.70)", f(ratio, 2), ratio >= 0.7 ? "met" : "missed");
        row("double kernel / dgemm", f((double) k.get("doubleKernelVsDgemm"), 2), "");
    }

    private void oursSection(JavaSparkContext sc, LoadedSet train, LoadedSet test, TrainingConfig config) {
        int repeats = Integer.parseInt(opt("repeats", "6")); // six seeds: the final-accuracy target is over six
        // Test accuracy after every Spark round, the points where the partitions' models are one (PyTorch's script
        // scores every 25 steps): time to 98% is then the end of the round that crossed it.
        long evalEvery = Long.parseLong(opt("eval-every", "" + config.plan(0).localSteps()));
        List<Map<String, Object>> runs = new ArrayList<>();
        long[] seeds = {config.seed(), 7, 1};
        List<Long> used = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            // Each repeat another seed: the timings' median and the accuracy's spread over seeds in one go.
            TrainingConfig seeded = config.withSeed(seeds[r % seeds.length] + r / seeds.length);
            used.add(seeded.seed());
            Map<String, Object> m = OursBench.run(sc, train, test, seeded, oursSampling().sampler(), evalEvery);
            System.err.printf(Locale.ROOT, "ours run %d: %s%n", r + 1, summary(m));
            runs.add(m);
        }
        json.put("ours", runs);
        Map<String, Object> med = medians(runs, "trainSeconds", "timeTo975", "timeTo980", "finalTestAccuracy",
                "samplesPerSecond", "msPerJob", "insideTasksSeconds", "sparkOverheadSeconds", "driverSeconds",
                "sparkOverheadShare", "peakHeapBytes");
        double minFinal = runs.stream().mapToDouble(m -> (double) m.get("finalTestAccuracy")).min().orElse(0);
        med.put("seeds", used.toString());
        med.put("minFinalTestAccuracy", minFinal);
        json.put("oursMedian", med);
        String n = " (median of " + repeats + ")";
        row("ours: preset " + config.hidden() + " hidden, " + config.phases().get(0), "", "");
        row("ours: Spark jobs / iterations", runs.get(0).get("sparkJobs") + " / " + runs.get(0).get("iterations"), "");
        row("ours: training wall time, s" + n, f(med.get("trainSeconds"), 1), "");
        row("ours: time to 97.5% test, s" + n, f(med.get("timeTo975"), 1), "");
        row("ours: time to 98.0% test, s" + n, f(med.get("timeTo980"), 1), "");
        row("ours: final test accuracy" + n + ", seeds " + used + ": " + med.get("finalTestAccuracyAll"),
                f(med.get("finalTestAccuracy"), 4), "");
        row("ours: lowest final test accuracy over " + repeats + " seeds (target >= 0.9800 over six)",
                f(minFinal, 4), repeats < 6 ? "fewer than six seeds: --repeats 6" : minFinal >= 0.98 ? "met" : "missed");
        row("ours: training samples/s" + n, f(med.get("samplesPerSecond"), 0), "");
        row("ours: ms per Spark job" + n, f(med.get("msPerJob"), 1), "");
        row("ours: arithmetic inside tasks, s" + n, f(med.get("insideTasksSeconds"), 1), "");
        row("ours: Spark overhead, s" + n, f(med.get("sparkOverheadSeconds"), 1), "");
        row("ours: driver (broadcast, combine, update), s" + n, f(med.get("driverSeconds"), 1), "");
        double share = (double) med.get("sparkOverheadShare");
        row("ours: Spark overhead share of wall (target <= 0.25)", f(share, 2), share <= 0.25 ? "met" : "missed");
        row("ours: peak heap, driver+executors (local), MB", f((double) med.get("peakHeapBytes") / 1e6, 0), "");
    }

    private void notebook(JavaSparkContext sc, LoadedSet train, LoadedSet test, int partitions) {
        Presets.Preset p = Presets.NOTEBOOK;
        long iters = Long.parseLong(opt("notebook-iterations", "1000"));
        PhaseConfig first = p.phases().get(0);
        TrainingConfig cfg = new TrainingConfig(p.hidden(), 42, scaling(p.scaling()), partitions, 1_000_000,
                List.of(PhaseConfig.plain(iters, first.batchSize(), first.learningRate(), first.lambda())));
        Map<String, Object> m = OursBench.run(sc, train, test, cfg, p.sampling().sampler(), iters);
        long total = p.phases().stream().mapToLong(PhaseConfig::iterations).sum();
        double perIter = (double) m.get("trainSeconds") / iters;
        m.put("extrapolatedSeconds", perIter * total);
        json.put("notebook", m);
        row("notebook preset: " + iters + " of " + total + " synchronous steps, s", f(m.get("trainSeconds"), 1), "");
        row("notebook preset: ms per step (= per Spark job)", f(perIter * 1e3, 1), "");
        row("notebook preset: whole run extrapolated, s", f(perIter * total, 0), "");
    }

    /** The best preset with its distortions: seeds 42, 1, 2 ({@code --best-repeats}, default 1). */
    private void best(JavaSparkContext sc, LoadedSet train, LoadedSet test, int partitions) {
        int repeats = Integer.parseInt(opt("best-repeats", "1"));
        long[] seeds = {42, 1, 2};
        List<Map<String, Object>> runs = new ArrayList<>();
        List<Long> used = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            TrainingConfig cfg = BestBench.config(scaling(Presets.BEST.scaling()), partitions,
                    seeds[r % seeds.length] + r / seeds.length);
            used.add(cfg.seed());
            long evalEvery = Long.parseLong(opt("eval-every", "" + Math.max(1, cfg.totalIterations() / 50)));
            Map<String, Object> m = BestBench.run(sc, train, test, cfg, evalEvery);
            System.err.printf(Locale.ROOT, "best run %d (seed %d): %s%n", r + 1, cfg.seed(), summary(m));
            runs.add(m);
            json.put("best", runs);
        }
        Map<String, Object> med = medians(runs, "trainSeconds", "timeTo990", "timeTo992", "finalTestAccuracy",
                "bestTestAccuracy", "samplesPerSecond", "distortShareInsideTasks", "loadAverage");
        med.put("seeds", used.toString());
        json.put("bestMedian", med);
        String n = " (median of " + repeats + ", seeds " + used + ")";
        row("best: preset " + Presets.BEST.hidden() + " hidden, " + Presets.BEST.phases().get(0) + ", distortions "
                + Presets.BEST.augmentation(), "", "");
        row("best: training wall time, s" + n, f(med.get("trainSeconds"), 1), "");
        row("best: time to 99.0% / 99.2% test, s", f(med.get("timeTo990"), 1) + " / " + f(med.get("timeTo992"), 1),
                "");
        double acc = (double) med.get("finalTestAccuracy");
        row("best: final test accuracy, the last model's, per seed: " + med.get("finalTestAccuracyAll"), "", "");
        row("best: final test accuracy, the last model's (target >= 0.992)", f(acc, 4), acc >= 0.992 ? "met" : "missed");
        row("best: best test accuracy along the way (reference only)", f(med.get("bestTestAccuracy"), 4), "");
        row("best: training samples/s", f(med.get("samplesPerSecond"), 0), "");
        double share = (double) med.get("distortShareInsideTasks");
        row("best: distortion share of the time inside tasks (target <= 0.33)", f(share, 2),
                share <= 1.0 / 3 ? "met" : "missed");
        row("best: load average at the end (2 cores shared)", f(med.get("loadAverage"), 1), "");
    }

    /**
     * MLPC 784-100-10 on 0..1 pixels (what its users feed it) and on our preset's standardised inputs, and
     * 784-H-10 (our width) on our inputs. The ratio is taken against the fastest of them, the harder comparison.
     */
    private void mlpc(SparkSession spark, LoadedSet train, LoadedSet test, int hidden, Path out) throws IOException {
        InputScaling ourScaling = scaling(Presets.DEFAULT.scaling());
        int iters = Integer.parseInt(opt("mlpc-iterations", "100"));
        int chunk = Integer.parseInt(opt("mlpc-chunk", "25"));
        List<Map<String, Object>> results = new ArrayList<>();
        double bestTime = Double.NaN;
        List<Object[]> runs = new ArrayList<>();
        runs.add(new Object[] {100, InputScaling.UNIT});
        if (ourScaling != InputScaling.UNIT) {
            runs.add(new Object[] {100, ourScaling});
        }
        if (hidden != 100) {
            runs.add(new Object[] {hidden, ourScaling});
        }
        for (Object[] run : runs) {
            int h = (int) run[0];
            InputScaling scaling = (InputScaling) run[1];
            Dataset<Row> trainDf = MlpcBench.cached(MlpcBench.frame(spark, train.blocks(), scaling));
            Dataset<Row> testDf = MlpcBench.cached(MlpcBench.frame(spark, test.blocks(), scaling));
            Map<String, Object> m = MlpcBench.run(spark, trainDf, testDf, h, iters, chunk, 42);
            trainDf.unpersist();
            testDf.unpersist();
            m.put("inputScaling", scaling.describe());
            results.add(m);
            json.put("mlpc", results);
            save(out);
            String name = "MLPC " + m.get("layers") + ", " + m.get("inputScaling") + " inputs: ";
            row(name + "best test accuracy (iterations)", f(m.get("bestTestAccuracy"), 4) + " ("
                    + m.get("iterationsToBest") + ")", "");
            row(name + "time to best, s", f(m.get("timeToBest"), 1), "");
            row(name + "time to 97.5% / 98.0%, s", f(m.get("timeTo975"), 1) + " / " + f(m.get("timeTo980"), 1), "");
            double t = (double) m.get("timeToBest");
            bestTime = Double.isNaN(bestTime) ? t : Math.min(bestTime, t);
        }
        json.put("mlpc", results);
        Object ours = json.get("oursMedian");
        if (ours instanceof Map<?, ?> om && om.get("timeTo980") instanceof Double t980) {
            double ratio = t980 / bestTime;
            json.put("oursTo980OverMlpcToBest", ratio);
            row("ours time to 98.0% / MLPC's (fastest) time to its best (target <= 0.10)", f(ratio, 3),
                    ratio <= 0.1 ? "met" : "missed");
        }
    }

    /**
     * One Spark job per synchronous step against many steps inside one barrier stage, and collecting the
     * partitions' models against {@code treeAggregate} (issue 5's last two options).
     */
    private void barrier(JavaSparkContext sc, int partitions) {
        int rounds = Integer.parseInt(opt("barrier-rounds", "30"));
        Map<String, Object> m = BarrierBench.run(sc, partitions, BarrierBench.DEFAULT_PAYLOADS, rounds);
        json.put("barrier", m);
        Map<String, Object> agg = AggregateBench.run(sc, 2 * 407_050, rounds);
        json.put("aggregate", agg);
        for (String p : List.of("2 partitions", "8 partitions")) {
            Map<?, ?> w = (Map<?, ?>) agg.get(p);
            row("combine 2 x 407,050 floats, " + p + ": collect in order / treeAggregate depth 2 / 3, ms",
                    f(w.get("collectInOrder"), 1) + " / " + f(w.get("treeAggregateDepth2"), 1) + " / "
                            + f(w.get("treeAggregateDepth3"), 1), "");
        }
        Map<?, ?> ship = (Map<?, ?>) m.get("shipCollectJobMs");
        Map<?, ?> gather = (Map<?, ?>) m.get("allGatherMs");
        row("per-step sync: empty Spark job / barrier() in one barrier stage, ms",
                f(m.get("plainJobMs"), 1) + " / " + f(m.get("barrierSyncMs"), 1), "");
        for (int p : BarrierBench.DEFAULT_PAYLOADS) {
            String k = String.valueOf(p);
            row(String.format(Locale.ROOT, "exchange %,d floats: ship+collect job / barrier allGather, ms", p),
                    f(ship.get(k), 1) + " / " + f(gather.get(k), 1), "");
        }
    }

    private void scale(JavaSparkContext sc, String dataDir, TrainingConfig ours) {
        String work = opt("work", "target/bench-data");
        long iters = Long.parseLong(opt("scale-iterations", "3072"));
        TrainingConfig cfg = new TrainingConfig(ours.hidden(), ours.seed(), ours.scaling(), ours.partitions(),
                1_000_000, List.of(ours.phases().get(0).withIterations(iters)), ours.scaleOut());
        List<Map<String, Object>> results = new ArrayList<>();
        for (String s : opt("sizes", "60000,600000,3000000").split(",")) {
            int count = Integer.parseInt(s.trim());
            Map<String, Object> m = new LinkedHashMap<>(ScaleBench.dataDir(dataDir, work, count));
            m.putAll(ScaleBench.run(sc, (String) m.get("dir"), cfg));
            System.err.println("scale " + count + ": " + m);
            results.add(m);
            row(String.format(Locale.ROOT, "scale %,d: load+cache s / bytes per pixel", count),
                    f(m.get("loadSeconds"), 1) + " / " + f(m.get("bytesPerPixel"), 3),
                    (double) m.get("bytesPerPixel") <= 1.1 ? "met" : "missed");
            row(String.format(Locale.ROOT, "scale %,d: %d iterations s, samples/s, epoch s", count, iters),
                    f(m.get("trainSeconds"), 1) + ", " + f(m.get("samplesPerSecond"), 0) + ", "
                            + f(m.get("epochSeconds"), 1), "");
        }
        json.put("scale", results);
        if (results.size() >= 2) {
            Map<String, Object> a = results.get(results.size() - 2);
            Map<String, Object> z = results.get(results.size() - 1);
            double linear = ((Number) z.get("records")).doubleValue() / ((Number) a.get("records")).doubleValue();
            double ratio = ((double) z.get("epochSeconds") / (double) a.get("epochSeconds")) / linear;
            json.put("scaleEpochRatioOverLinear", ratio);
            row("epoch time, largest / second largest, over linear (target <= 1.2)", f(ratio, 2),
                    ratio <= 1.2 ? "met" : "missed");
        }
    }

    /**
     * The default preset at 2..64 partitions (issue 12): epochs and rounds to 98.0%, final accuracy, bytes per
     * round and per epoch, median over seeds; then the projection to N one-core executors.
     */
    private void scaleOut(JavaSparkContext sc, String dataDir, LoadedSet test, TrainingConfig ours, Path out)
            throws IOException {
        List<Map<String, Object>> runs = new ArrayList<>();
        List<Map<String, Object>> medians = new ArrayList<>();
        Map<String, Object> section = new LinkedHashMap<>();
        String[] seeds = opt("scaleout-seeds", "42,7,1").split(",");
        section.put("seeds", seeds);
        section.put("runs", runs);
        section.put("medians", medians);
        json.put("scaleout", section);
        // --scaleout-reuse FILE: the runs of an earlier results file, summarised and projected again (no training).
        Map<Integer, List<Map<String, Object>>> reused = reusedScaleOutRuns(opt("scaleout-reuse", ""));
        for (String ps : opt("scaleout-partitions", "2,4,8,16,32,64").split(",")) {
            int p = Integer.parseInt(ps.trim());
            List<Map<String, Object>> here = new ArrayList<>();
            // --scaleout-large-seeds: fewer seeds from 32 partitions on, where a run takes one Spark job per
            // iteration over many tasks (minutes each on two cores).
            String[] these = p >= 32 ? opt("scaleout-large-seeds", String.join(",", seeds)).split(",") : seeds;
            if (reused != null) {
                here.addAll(reused.getOrDefault(p, List.of()));
                runs.addAll(here);
            } else {
                for (String seed : these) {
                    Map<String, Object> r = ScaleOutBench.run(sc, dataDir, test, ours, p,
                            Long.parseLong(seed.trim()));
                    System.err.println("scaleout: " + ScaleOutBench.describe(r));
                    runs.add(r);
                    here.add(r);
                    save(out);
                }
            }
            if (here.isEmpty()) {
                continue;
            }
            Map<String, Object> med = new LinkedHashMap<>(here.get(0));
            med.remove("seed");
            med.putAll(medians(here, "epochsTo980", "roundsTo980", "finalTestAccuracy", "trainSeconds",
                    "computeSecondsPerSample", "roundOverheadSeconds"));
            medians.add(med);
            row(String.format(Locale.ROOT, "scale-out %d partitions (%s, K %d, batch %d): epochs / rounds to 98.0%%, "
                            + "final acc (median of %d), MB per round / epoch", p, med.get("averaging"),
                    ((Number) med.get("localSteps")).intValue(), ((Number) med.get("globalBatch")).intValue(),
                    here.size()), f(med.get("epochsTo980"), 2) + " / " + f(med.get("roundsTo980"), 0) + ", "
                    + f(med.get("finalTestAccuracy"), 4) + " " + med.get("finalTestAccuracyAll") + ", "
                    + f(ScaleOutBench.num(med, "bytesPerRound") / 1e6, 0) + " / "
                    + f(ScaleOutBench.num(med, "bytesPerEpoch") / 1e6, 0),
                    ScaleOutBench.num(med, "finalTestAccuracy") >= 0.98 ? "met" : "missed");
        }
        double bandwidth = Double.parseDouble(opt("bandwidth", "1.25e9"));
        Map<String, Object> proj = ScaleOutBench.projection(runs, bandwidth);
        section.put("projection", proj);
        for (Object o : (List<?>) proj.get("rows")) {
            Map<?, ?> r = (Map<?, ?>) o;
            row(String.format(Locale.ROOT, "projected epoch on %d one-core executors, s (compute / overhead / "
                            + "comm per round x rounds)", (Integer) r.get("executors")),
                    f(r.get("epochSeconds"), 2) + " (" + f(r.get("computePerRoundSeconds"), 3) + " / "
                            + f(r.get("overheadPerRoundSeconds"), 3) + " / "
                            + f(r.get("communicationPerRoundSeconds"), 3) + " x " + f(r.get("roundsPerEpoch"), 2)
                            + "), speed-up " + f(r.get("speedupOverOne"), 1), "");
        }
        save(out);
    }

    /** The scale-out runs of an earlier results file by partition count; null when {@code file} is empty. */
    @SuppressWarnings("unchecked")
    private static Map<Integer, List<Map<String, Object>>> reusedScaleOutRuns(String file) throws IOException {
        if (file.isEmpty()) {
            return null;
        }
        Map<String, Object> earlier = Json.MAPPER.readValue(Path.of(file).toFile(), Map.class);
        Map<String, Object> section = (Map<String, Object>) earlier.get("scaleout");
        if (section == null) {
            throw new IllegalArgumentException("--scaleout-reuse " + file + ": no scaleout section");
        }
        Map<Integer, List<Map<String, Object>>> byPartitions = new java.util.TreeMap<>();
        for (Map<String, Object> r : (List<Map<String, Object>>) section.get("runs")) {
            // NaN was written as a string ("not reached"): read it back as a number.
            r.replaceAll((k, v) -> "NaN".equals(v) ? Double.NaN : v);
            byPartitions.computeIfAbsent(((Number) r.get("partitions")).intValue(), k -> new ArrayList<>()).add(r);
        }
        return byPartitions;
    }

    private static Map<String, Object> medians(List<Map<String, Object>> runs, String... keys) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : keys) {
            double[] v = runs.stream().mapToDouble(r -> ((Number) r.get(k)).doubleValue()).sorted().toArray();
            m.put(k, v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2]
                    : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
            m.put(k + "All", Arrays.toString(runs.stream().mapToDouble(r -> ((Number) r.get(k)).doubleValue())
                    .toArray()));
        }
        return m;
    }

    private static String summary(Map<String, Object> m) {
        return String.format(Locale.ROOT, "%.1f s, to 97.5%% %.1f s, to 98.0%% %.1f s, final %.4f, best %.4f, "
                        + "%.0f samples/s, overhead share %.2f", m.get("trainSeconds"), m.get("timeTo975"),
                m.get("timeTo980"), m.get("finalTestAccuracy"), m.get("bestTestAccuracy"), m.get("samplesPerSecond"),
                m.get("sparkOverheadShare"));
    }

    private void row(String what, String value, String target) {
        rows.add(new String[] {what, value, target});
        System.err.println("bench: " + what + " = " + value + (target.isEmpty() ? "" : " [" + target + "]"));
    }

    private void print() {
        int w = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
        int v = rows.stream().mapToInt(r -> r[1].length()).max().orElse(10);
        System.out.println();
        for (String[] r : rows) {
            System.out.printf(Locale.ROOT, "%-" + w + "s  %" + v + "s  %s%n", r[0], r[1], r[2]);
        }
    }

    private static String f(Object value, int decimals) {
        double d = ((Number) value).doubleValue();
        return Double.isNaN(d) ? "not reached" : String.format(Locale.ROOT, "%,." + decimals + "f", d);
    }
}
