package dev.sparkmnist.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sparkmnist.model.Json;
import dev.sparkmnist.nn.LayerSizes;

/**
 * Issue 28's benchmark (section {@code engines}, only when named): what the collective engine saves over the
 * job-per-round engine, and what that means on a real cluster.
 * <ol>
 *   <li>Per-step time of synchronous steps ({@code --local-steps 1}) of 784-512-10 with one sample per partition,
 *       so that compute is negligible, on both engines at 2, 4 and 8 tasks, as threads ({@code local[N]}) and as
 *       separate executor JVMs over TCP ({@code local-cluster[N,1,1024]}); the same steps on 1 partition and 1 task
 *       give the floor (one sample's compute plus the step's O(n) work on the model), which is subtracted to give
 *       the time beyond compute. Each master runs in a child JVM ({@link EngineStepProbe}).</li>
 *   <li>An alpha-beta fit of the exchange: the collective engine in 2 and 4 JVMs on models of 16 to 2048 hidden
 *       units, each step's time beyond its floor fitted to {@code alpha * 2(T-1) + beta * bytes}.</li>
 *   <li>The projection to N one-core executors at 10 Gbit/s ({@link EngineProjection}).</li>
 *   <li>{@code ./submit.sh train} at 8 against 2 partitions (engine auto, which picks the collective engine in
 *       {@code local[2]}), and at 2 partitions the job engine forced, several alternating runs each: training time
 *       (the log's "training took") and test accuracy.</li>
 * </ol>
 * Two cores: 4 and 8 tasks oversubscribe them, which the figures include.
 */
final class EngineBench {
    /** The model of the per-step measurements and of the default preset. */
    static final int HIDDEN = 512;
    private static final int[] TASKS = {2, 4, 8};
    private static final int[] FIT_HIDDEN = {16, 128, 512, 1024, 2048};
    private static final int[] FIT_TASKS = {2, 4};
    private static final Pattern TOOK = Pattern.compile("training took ([0-9.]+) s");
    private static final Pattern TEST_ACCURACY = Pattern.compile("(?i)test accuracy[^0-9]*([0-9]+\\.[0-9]+)\\s*%");

    private final String dataDir;
    /** The data folder as given (the results name it so, not by this machine's absolute path). */
    private final String dataDirGiven;
    private final UnaryOperator<String> opt;
    private final Path work;
    private final List<String[]> rows = new ArrayList<>();

    private EngineBench(String dataDir, UnaryOperator<String> opt) {
        // Absolute: executors in their own JVMs (local-cluster) read it from another working directory.
        this.dataDir = Path.of(dataDir).toAbsolutePath().normalize().toString();
        this.dataDirGiven = dataDir;
        this.opt = opt;
        this.work = Path.of(option("engines-work", "target/bench-engines")).toAbsolutePath();
    }

    /**
     * Runs the section; {@code opt} gives BenchMain's options by name (null when absent): {@code engines-repeats}
     * (3), {@code engines-steps} (20,170: steps 20..169 of a 170-step run timed), {@code engines-job-steps} (10,50,
     * the job engine's), {@code engines-fit-steps} (10,90, the fit's other models), {@code engines-train-runs} (3,
     * 0 to skip the {@code submit.sh} runs), {@code engines-alpha-10g} (50e-6), {@code engines-work},
     * {@code engines-reuse FILE} (the probes of an earlier run's {@code engines} section, or of the partial file
     * this section writes after each master, summarised and projected again without measuring).
     */
    static Map<String, Object> run(String dataDir, UnaryOperator<String> opt) throws IOException {
        try {
            return new EngineBench(dataDir, opt).measure();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private String option(String key, String fallback) {
        String v = opt.apply(key);
        return v == null ? fallback : v;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> measure() throws IOException, InterruptedException {
        Files.createDirectories(work);
        int repeats = Integer.parseInt(option("engines-repeats", "3"));
        // Steps s1,s2 of each timed run (steps s1 .. s2-1 are timed): a job-engine step is a Spark job of tens to
        // hundreds of ms, so fewer of them give as firm a median.
        String steps = option("engines-steps", "20,170").replace(',', ':');
        String jobSteps = option("engines-job-steps", "10,50").replace(',', ':');
        String fitSteps = option("engines-fit-steps", "10,90").replace(',', ':');
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("machine", Runtime.getRuntime().availableProcessors() + " cores; 4 and 8 tasks oversubscribe them");
        out.put("method", "synchronous steps (PhaseConfig localSteps 1: double gradients) of 784-H-10 with one "
                + "sample per partition; ms per step = wall clock between partition 0's draws of steps s1 and s2-1 "
                + "of an s2-step run, divided by the steps between (EngineStepProbe), median of " + repeats
                + " interleaved repeats after a warm-up; floor = the same steps on 1 partition, 1 task (local[1], "
                + "collective engine): one sample's compute plus the model's update and the step's O(n) work");
        out.put("command", "bench/run.sh --only engines");

        List<Map<String, Object>> probes = new ArrayList<>();
        out.put("probes", probes);
        String reuse = option("engines-reuse", "");
        Map<String, List<Map<String, Object>>> earlierRuns = null;
        if (!reuse.isEmpty()) {
            Map<String, Object> earlier = reused(Path.of(reuse));
            probes.addAll((List<Map<String, Object>>) earlier.get("probes"));
            if (earlier.get("submitTrain") instanceof Map<?, ?> st) {
                earlierRuns = (Map<String, List<Map<String, Object>>>) st.get("runs");
            }
            out.put("reusedFrom", reuse);
        } else {
            measureProbes(out, probes, repeats, steps, jobSteps, fitSteps);
        }
        return summarise(out, probes, earlierRuns);
    }

    /** Runs every master's probes, writing what is measured so far to {@code partial.json} after each. */
    private void measureProbes(Map<String, Object> out, List<Map<String, Object>> probes, int repeats, String steps,
                               String jobSteps, String fitSteps) throws IOException, InterruptedException {
        // local[1]: the floors (every model size) and the per-sample compute of the default and best presets.
        List<String> one = new ArrayList<>(List.of("job:512:1:1:1:" + jobSteps, "collective:512:1:1:1:" + steps));
        for (int h : new int[] {16, 128, 800, 1024, 2048}) {
            one.add("collective:" + h + ":1:1:1:" + fitSteps);
        }
        // Compute per sample: the slope between 1 and 256 samples per step on the engine's float kernel (local SGD).
        one.add("collective:512:1:1:0:32:192");
        one.add("collective:512:1:256:0:32:192");
        one.add("collective:800:1:1:0:32:160:best");
        one.add("collective:800:1:256:0:32:160:best");
        probes.addAll(child("local[1]", repeats, one));
        for (int n : TASKS) {
            probes.addAll(child("local[" + n + "]", repeats, List.of("job:512:" + n + ":" + n + ":1:" + jobSteps,
                    "collective:512:" + n + ":" + n + ":1:" + steps)));
        }
        for (int n : TASKS) {
            List<String> these = new ArrayList<>(List.of("job:512:" + n + ":" + n + ":1:" + jobSteps,
                    "collective:512:" + n + ":" + n + ":1:" + steps));
            if (n == FIT_TASKS[0] || n == FIT_TASKS[1]) {
                for (int h : FIT_HIDDEN) {
                    if (h != HIDDEN) {
                        these.add("collective:" + h + ":" + n + ":" + n + ":1:" + fitSteps);
                    }
                }
            }
            probes.addAll(child("local-cluster[" + n + ",1,1024]", repeats, these));
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(work.resolve("partial.json").toFile(), out);
        }
    }

    /** The {@code engines} section of an earlier results file, or the partial file itself. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> reused(Path file) throws IOException {
        Map<String, Object> m = Json.MAPPER.readValue(file.toFile(), Map.class);
        return m.containsKey("engines") ? (Map<String, Object>) m.get("engines") : m;
    }

    /**
     * The tables from {@code probes}, then the {@code submit.sh} runs: {@code engines-train-runs} new ones, or
     * {@code earlierRuns} (of a reused file) when that is 0.
     */
    private Map<String, Object> summarise(Map<String, Object> out, List<Map<String, Object>> probes,
                                          Map<String, List<Map<String, Object>>> earlierRuns)
            throws IOException, InterruptedException {
        out.put("perStep", perStepTable(probes));
        Map<String, Object> fit = alphaBeta(probes);
        out.put("alphaBeta", fit);
        // The projection's alpha: a stated 10 Gbit/s figure, not this machine's loopback one, which is mostly the
        // wait for a core among 2 shared by up to 9 busy JVMs (EngineProjection's alphaNote); the measured one gives
        // the pessimistic line below.
        double alpha10g = Double.parseDouble(option("engines-alpha-10g", "50e-6"));
        out.put("projection", EngineProjection.of(probes, alpha10g, rows));
        double measured = Math.max(alpha10g, (double) fit.get("alphaSeconds"));
        Map<String, Object> pessimistic = EngineProjection.of(probes, measured, new ArrayList<>());
        pessimistic.put("alphaNote", "the loopback alpha of alphaBeta (or the stated 50 us if larger): this "
                + "machine's wait for one of its 2 busy cores more than a network's latency, as a pessimistic bound");
        out.put("projectionAtMeasuredAlpha", pessimistic);
        row("projected speed-up on 32 executors with the loopback alpha measured here (" + f(measured * 1e6, 0)
                + " us) instead: default 256 / best 4096 / 3M 32768", EngineProjection.speedupAt32(pessimistic), "");
        int trainRuns = Integer.parseInt(option("engines-train-runs", "3"));
        if (trainRuns > 0) {
            out.put("submitTrain", trainSummary(trainRuns(trainRuns)));
        } else if (earlierRuns != null) {
            out.put("submitTrain", trainSummary(earlierRuns));
        }
        out.put("table", rows);
        print();
        return out;
    }

    /** Runs {@link EngineStepProbe} for {@code master} in a child JVM and returns its results. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> child(String master, int repeats, List<String> probes) throws IOException,
            InterruptedException {
        String name = master.replaceAll("[^a-z0-9]+", "-").replaceAll("-$", "");
        Path result = work.resolve(name + ".json");
        Path log = work.resolve(name + ".log");
        Files.deleteIfExists(result);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Xmx") && !a.startsWith("-agentlib")) {
                cmd.add(a);
            }
        }
        cmd.add("-Xmx3g");
        cmd.add("-Dspark.executor.extraClassPath=" + appClasses());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(EngineStepProbe.class.getName());
        cmd.addAll(List.of(master, dataDir, result.toString(), String.valueOf(repeats)));
        cmd.addAll(probes);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", sparkHome().toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        System.err.println("engines: " + master + " (log " + log + ")");
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("engine bench child for " + master + " failed; see " + log);
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        System.err.printf(Locale.ROOT, "engines: %s done in %.0f s%n", master, (System.nanoTime() - t0) / 1e9);
        return Json.MAPPER.readValue(result.toFile(), List.class);
    }

    /** Our compiled classes (benchmark and main), for the executors' class path. */
    private static String appClasses() {
        List<String> dirs = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.endsWith(".jar")) {
                dirs.add(new File(e).getAbsolutePath());
            }
        }
        return String.join(File.pathSeparator, dirs);
    }

    /**
     * A SPARK_HOME for executors in their own JVMs (local-cluster): {@code jars} holds links to the jars of this
     * JVM's class path, Spark's and ours alike.
     */
    private Path sparkHome() throws IOException {
        Path home = work.resolve("spark-home");
        Path jars = home.resolve("jars");
        Files.createDirectories(jars);
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(e).toAbsolutePath();
            Path link = jars.resolve(jar.getFileName().toString());
            if (e.endsWith(".jar") && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, jar);
            }
        }
        return home;
    }

    /**
     * Finds the probe of {@code engine}, {@code hidden}, {@code partitions}, batch and local steps (1: synchronous,
     * 0: auto, i.e. local SGD on one partition) on {@code master}.
     */
    static Map<String, Object> find(List<Map<String, Object>> probes, String master, String engine, int hidden,
                                    int partitions, int batch, int localSteps) {
        for (Map<String, Object> p : probes) {
            if (p.get("master").equals(master) && p.get("engine").equals(engine) && num(p, "hidden") == hidden
                    && num(p, "partitions") == partitions && num(p, "batch") == batch
                    && num(p, "localSteps") == localSteps) {
                return p;
            }
        }
        throw new IllegalStateException("no probe " + engine + " " + hidden + " on " + partitions + " at " + master);
    }

    /** Milliseconds per step of one sample per partition on {@code master}. */
    private static double ms(List<Map<String, Object>> probes, String master, String engine, int hidden, int n) {
        return num(find(probes, master, engine, hidden, n, n, 1), "msPerStep");
    }

    /** One line of the per-step table: both engines at {@code tasks} tasks on {@code master}, in ms per step. */
    record StepRow(String master, int tasks, boolean oversubscribed, double jobMsPerStep, double collectiveMsPerStep,
                   double floorMsPerStep, double jobMsBeyondCompute, double collectiveMsBeyondCompute,
                   double ratioCollectiveOverJob, double ratioBeyondComputeCollectiveOverJob, String target) {
    }

    private List<StepRow> perStepTable(List<Map<String, Object>> probes) {
        double floor = ms(probes, "local[1]", "collective", HIDDEN, 1);
        double jobOne = ms(probes, "local[1]", "job", HIDDEN, 1);
        row("floor: 784-512-10, 1 sample, 1 partition on 1 task (collective engine: compute + update), ms per step",
                f(floor, 2), "");
        row("the same on the job engine (one Spark job per step in local[1]), ms per step", f(jobOne, 2), "");
        List<StepRow> table = new ArrayList<>();
        for (String kind : new String[] {"threads", "JVMs"}) {
            for (int n : TASKS) {
                String master = kind.equals("threads") ? "local[" + n + "]" : "local-cluster[" + n + ",1,1024]";
                double job = ms(probes, master, "job", HIDDEN, n);
                double coll = ms(probes, master, "collective", HIDDEN, n);
                boolean target = kind.equals("JVMs") && n >= 4;
                StepRow r = new StepRow(master, n, n > 2, job, coll, floor, job - floor, coll - floor, coll / job,
                        (coll - floor) / (job - floor), target ? "collective beyond compute <= 1/5 of job's" : "");
                table.add(r);
                row(String.format(Locale.ROOT, "%d tasks as %s (%s)%s: ms per step job / collective; beyond "
                                + "compute job / collective; ratio (target at 4, 8 JVMs <= 0.20)", n, kind, master,
                                n > 2 ? ", 2 cores oversubscribed" : ""),
                        f(job, 2) + " / " + f(coll, 2) + "; " + f(r.jobMsBeyondCompute(), 2) + " / "
                                + f(r.collectiveMsBeyondCompute(), 2) + "; "
                                + f(r.ratioBeyondComputeCollectiveOverJob(), 3),
                        target ? (r.ratioBeyondComputeCollectiveOverJob() <= 0.2 ? "met" : "missed") : "");
            }
        }
        return table;
    }

    /**
     * Least squares (relative errors) of the collective engine's time per step beyond the floor of the same model,
     * over the models
     * and task counts measured in separate JVMs: {@code t = alpha * 2(T-1) + beta * bytes}, bytes being what each
     * task sends (and receives) per step in {@code OrderedAllReduce} with double contributions:
     * {@code (8n * P/T + 8n) * (T-1)/T}. Also one fit {@code t = a + beta * bytes} per task count.
     */
    private Map<String, Object> alphaBeta(List<Map<String, Object>> probes) {
        List<double[]> points = new ArrayList<>(); // messages, bytes, seconds
        List<Map<String, Object>> listed = new ArrayList<>();
        Map<String, Object> perTasks = new LinkedHashMap<>();
        for (int t : FIT_TASKS) {
            List<double[]> mine = new ArrayList<>();
            for (int h : FIT_HIDDEN) {
                long n = new LayerSizes(784, h, 10).parameterCount();
                double floor = ms(probes, "local[1]", "collective", h, 1) / 1e3;
                double step = ms(probes, "local-cluster[" + t + ",1,1024]", "collective", h, t) / 1e3;
                double bytes = EngineProjection.doublePathBytes(n, t, t);
                double[] pt = {2.0 * (t - 1), bytes, step - floor};
                points.add(pt);
                mine.add(pt);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("tasks", t);
                m.put("hidden", h);
                m.put("parameters", n);
                m.put("bytesPerTaskPerStep", bytes);
                m.put("msPerStep", step * 1e3);
                m.put("floorMsPerStep", floor * 1e3);
                m.put("exchangeMsPerStep", (step - floor) * 1e3);
                listed.add(m);
            }
            double[] line = line(mine);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("interceptSeconds", line[0]);
            m.put("alphaPerMessageSeconds", line[0] / (2.0 * (t - 1)));
            m.put("bytesPerSecond", 1 / line[1]);
            perTasks.put(t + " JVMs", m);
            row(String.format(Locale.ROOT, "exchange fit, %d JVMs: t = a + bytes/B: a ms (per message, us), B MB/s",
                    t), f(line[0] * 1e3, 3) + " (" + f(line[0] / (2.0 * (t - 1)) * 1e6, 0) + "), "
                    + f(1e-6 / line[1], 0), "");
        }
        double[] ab = twoWithoutIntercept(points);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "t_exchange = alpha * 2(T-1) + beta * bytes; bytes = (8n*P/T + 8n)*(T-1)/T per task per "
                + "step (double contributions and sums), t_exchange = ms per step in T JVMs - the same model's "
                + "local[1] floor");
        m.put("alphaSeconds", ab[0]);
        m.put("bytesPerSecond", 1 / ab[1]);
        m.put("points", listed);
        m.put("perTaskCount", perTasks);
        row("exchange fit over 2 and 4 JVMs: alpha per message, us; 1/beta, MB/s (loopback, 2 busy cores)",
                f(ab[0] * 1e6, 0) + "; " + f(1e-6 / ab[1], 0), "");
        return m;
    }

    /**
     * Least squares y = a + b x over points {_, x, y}, each weighted 1/y^2 (relative errors, so the small models,
     * which carry the latency, count as much as the large ones): {a, b}.
     */
    private static double[] line(List<double[]> pts) {
        List<double[]> ones = pts.stream().map(p -> new double[] {1, p[1], p[2]}).toList();
        return twoWithoutIntercept(ones);
    }

    /** Least squares y = a u + b v over points {u, v, y}, each weighted 1/y^2 (relative errors): {a, b}. */
    private static double[] twoWithoutIntercept(List<double[]> pts) {
        double uu = 0;
        double uv = 0;
        double vv = 0;
        double uy = 0;
        double vy = 0;
        for (double[] p : pts) {
            double w = 1 / (p[2] * p[2]);
            uu += w * p[0] * p[0];
            uv += w * p[0] * p[1];
            vv += w * p[1] * p[1];
            uy += w * p[0] * p[2];
            vy += w * p[1] * p[2];
        }
        double den = uu * vv - uv * uv;
        return new double[] {(uy * vv - uv * vy) / den, (uu * vy - uv * uy) / den};
    }

    /**
     * {@code ./submit.sh train} on the default preset, real MNIST: 2 and 8 partitions (engine auto), and 2
     * partitions on the job engine, {@code runs} rounds of the three in turn.
     */
    private Map<String, List<Map<String, Object>>> trainRuns(int runs) throws IOException, InterruptedException {
        // At 2 partitions in local[2] auto picks the collective engine (each run's log says which it ran), so
        // "2, auto" is the collective run against "2, job".
        String[][] configs = {{"2", "auto"}, {"8", "auto"}, {"2", "job"}};
        Map<String, List<Map<String, Object>>> byConfig = new LinkedHashMap<>();
        for (int r = 0; r < runs; r++) {
            for (String[] c : configs) {
                String key = "partitions " + c[0] + ", engine " + c[1];
                Map<String, Object> m = submitTrain(Integer.parseInt(c[0]), c[1], r);
                System.err.println("engines: submit.sh train " + key + ": " + m);
                byConfig.computeIfAbsent(key, k -> new ArrayList<>()).add(m);
            }
        }
        return byConfig;
    }

    /** Medians and ratios of the {@code submit.sh} runs, by configuration. */
    private Map<String, Object> trainSummary(Map<String, List<Map<String, Object>>> byConfig) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command", "./submit.sh train --data-dir " + dataDirGiven + " --partitions P [--engine E] --out "
                + "TMPDIR/... (default preset)");
        Map<String, Double> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<Map<String, Object>>> e : byConfig.entrySet()) {
            double[] s = e.getValue().stream().mapToDouble(m -> num(m, "trainingSeconds")).toArray();
            medians.put(e.getKey(), BarrierBench.median(s));
            row("submit.sh train, " + e.getKey() + ": training s (median of " + s.length + "), runs; test accuracy",
                    f(BarrierBench.median(s), 1) + ", " + e.getValue().stream().map(m -> f(num(m, "trainingSeconds"),
                            1)).toList() + "; " + e.getValue().stream().map(m -> m.get("testAccuracy")).toList() + " "
                            + e.getValue().get(0).get("engine"), "");
        }
        out.put("runs", byConfig);
        out.put("medianTrainingSeconds", medians);
        double ratio = medians.get("partitions 8, engine auto") / medians.get("partitions 2, engine auto");
        out.put("ratio8Over2", ratio);
        row("submit.sh train: training time 8 / 2 partitions (target <= 1.3)", f(ratio, 2), ratio <= 1.3 ? "met"
                : "missed");
        double autoVsJob = medians.get("partitions 2, engine auto") / medians.get("partitions 2, engine job");
        out.put("ratioAutoOverJobAt2", autoVsJob);
        row("submit.sh train, 2 partitions: auto / job (never slower: <= 1)", f(autoVsJob, 2), autoVsJob <= 1.0
                ? "met" : "missed");
        return out;
    }

    /** One {@code ./submit.sh train} run: training seconds, test accuracy and the engine line of its log. */
    private Map<String, Object> submitTrain(int partitions, String engine, int run) throws IOException,
            InterruptedException {
        String name = "train-p" + partitions + "-" + engine + "-" + run;
        Path log = work.resolve(name + ".log");
        // A model directory of its own outside the repository (a run resumes a checkpoint of the same configuration).
        Path model = Files.createTempDirectory("spark-mnist-engines-").resolve(name);
        List<String> cmd = new ArrayList<>(List.of("./submit.sh", "train", "--data-dir", dataDir, "--partitions",
                String.valueOf(partitions), "--out", model.toString()));
        if (!engine.equals("auto")) {
            cmd.addAll(List.of("--engine", engine));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed; see " + log);
        }
        String text = Files.readString(log);
        deleteTree(model.getParent());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("partitions", partitions);
        m.put("engine", engineLine(text));
        m.put("trainingSeconds", Double.parseDouble(last(TOOK, text)));
        m.put("testAccuracy", last(TEST_ACCURACY, text));
        m.put("log", Path.of("").toAbsolutePath().relativize(log).toString());   // relative to the repository
        return m;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String engineLine(String log) {
        Matcher m = Pattern.compile("engine: ([a-z ]+?)(,| as| chosen)").matcher(log);
        return m.find() ? m.group(1) : "?";
    }

    private static String last(Pattern p, String text) {
        Matcher m = p.matcher(text);
        String v = null;
        while (m.find()) {
            v = m.group(1);
        }
        if (v == null) {
            throw new IllegalStateException("no match for " + p + " in the run's log");
        }
        return v;
    }

    static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    private void row(String what, String value, String target) {
        rows.add(new String[] {what, value, target});
        System.err.println("bench: " + what + " = " + value + (target.isEmpty() ? "" : " [" + target + "]"));
    }

    private void print() {
        int w = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
        System.out.println();
        for (String[] r : rows) {
            System.out.printf(Locale.ROOT, "%-" + w + "s  %s  %s%n", r[0], r[1], r[2]);
        }
    }

    static String f(double d, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", d);
    }
}
