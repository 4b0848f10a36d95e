package dev.sparkmnist.bench;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;

import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

import dev.sparkmnist.pipeline.SparkContexts;

/**
 * Would Spark's barrier execution mode let training run many synchronous data-parallel steps inside ONE stage,
 * instead of paying for one Spark job per step? Measured in one Spark context, on a cached tiny RDD:
 * <ul>
 *   <li>{@code plainJobMs}: one ordinary job that does nearly nothing (one small value per partition,
 *       collected): the floor of today's per-step cost;</li>
 *   <li>{@code shipCollectJobMs}: one ordinary job that ships a {@code float[]} of each payload size to the tasks
 *       in its closure and collects a {@code float[]} of the same size from every task, averaged on the driver:
 *       what one synchronous step costs today, without the arithmetic;</li>
 *   <li>inside one barrier stage ({@code rdd.barrier().mapPartitions}), per synchronous round timed in the task:
 *       {@code barrierSyncMs}, {@code ctx.barrier()} alone (the pure sync point), and {@code allGatherMs}, one
 *       {@code ctx.allGather(String)} per payload size, the floats sent as Base64 of little-endian bytes since
 *       allGather only carries strings, every task decoding all partitions' payloads and averaging them as a
 *       gradient exchange would; {@code allGatherCodecMs} is the encoding, decoding and averaging share of such a
 *       round. A round's time is the slowest task's, its median over {@code barrierRounds} rounds is reported;</li>
 *   <li>{@code barrierJobMs}, the wall time of that whole barrier job, {@code barrierInTaskMs}, the slowest task's
 *       time from start to end of its body (all rounds including warm-ups), and {@code barrierStageLaunchMs}, their
 *       difference: what launching the barrier stage costs once; plus {@code barrierEmptyJobMs}, the median wall
 *       time of a barrier job whose tasks only meet at one {@code barrier()}.</li>
 * </ul>
 * Every ordinary-job series follows {@value #WARMUP} untimed warm-ups; payloads over {@value #BIG_PAYLOAD} floats run
 * half the rounds (at least 5). Barrier rounds are capped at {@value #MAX_BARRIER_ROUNDS} after one warm-up round,
 * because Spark 4.2.0's {@code BarrierTaskContext.runBarrier} waits for the coordinator's reply by polling it with
 * {@code Thread.sleep(1000)}: every {@code barrier()} and {@code allGather} takes at least one second whatever the
 * payload. With that, {@link #run} stays under about a minute on 2 cores at 30 rounds. In local mode
 * allGather's messages reach the driver's barrier coordinator without crossing a network (same RPC environment),
 * so a cluster adds transfer time on top of the figures here; ordinary jobs already serialise their closures and
 * results in local mode.
 */
final class BarrierBench {
    /** Default payload sizes: a tiny model, 784-100-10 and 784-512-10 parameter counts. */
    static final int[] DEFAULT_PAYLOADS = {1_000, 79_510, 407_050};
    static final int WARMUP = 3;
    static final int BIG_PAYLOAD = 200_000;
    static final int MAX_BARRIER_ROUNDS = 6;
    private static final int EMPTY_BARRIER_JOBS = 3;

    private BarrierBench() {
    }

    static Map<String, Object> run(JavaSparkContext sc, int partitions, int[] payloadFloats, int rounds) {
        if (partitions < 1 || rounds < 1) {
            throw new IllegalArgumentException("partitions and rounds must be positive");
        }
        JavaRDD<Integer> rdd = sc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions).cache();
        rdd.count();
        int[] roundsPer = Arrays.stream(payloadFloats).map(n -> roundsFor(n, rounds)).toArray();

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("partitions", partitions);
        m.put("payloadFloats", Arrays.stream(payloadFloats).boxed().toList());
        m.put("rounds", rounds);
        m.put("shipCollectRounds", Arrays.stream(roundsPer).boxed().toList());
        m.put("plainJobMs",
                medianJobMs(rounds, WARMUP, () -> rdd.mapPartitions(it -> List.of(1).iterator()).collect()));
        Map<String, Double> ship = new LinkedHashMap<>();
        for (int i = 0; i < payloadFloats.length; i++) {
            float[] payload = randomFloats(payloadFloats[i], 0);
            ship.put(String.valueOf(payloadFloats[i]),
                    medianJobMs(roundsPer[i], WARMUP, () -> shipCollect(rdd, payload)));
        }
        m.put("shipCollectJobMs", ship);
        barrierFigures(rdd, payloadFloats, Math.min(rounds, MAX_BARRIER_ROUNDS), m);
        rdd.unpersist();
        return m;
    }

    /** The barrier-mode half of {@link #run}: an empty barrier job, then one barrier job with all timed rounds. */
    private static void barrierFigures(JavaRDD<Integer> rdd, int[] payloadFloats, int barrierRounds,
                                       Map<String, Object> m) {
        RoundsTask empty = new RoundsTask(0, 1, new int[0]);
        m.put("barrierEmptyJobMs", medianJobMs(EMPTY_BARRIER_JOBS, 1, () -> runBarrier(rdd, empty)));
        m.put("barrierRounds", barrierRounds);
        long t0 = System.nanoTime();
        List<double[]> tasks = runBarrier(rdd, new RoundsTask(1, barrierRounds, payloadFloats));
        double wallMs = (System.nanoTime() - t0) / 1e6;
        double inTaskMs = tasks.stream().mapToDouble(t -> t[0]).max().orElse(0);
        int k = 1;
        m.put("barrierSyncMs", median(slowest(tasks, k, barrierRounds)));
        k += barrierRounds;
        Map<String, Double> gather = new LinkedHashMap<>();
        Map<String, Double> codec = new LinkedHashMap<>();
        for (int payload : payloadFloats) {
            gather.put(String.valueOf(payload), median(slowest(tasks, k, barrierRounds)));
            codec.put(String.valueOf(payload), median(slowest(tasks, k + barrierRounds, barrierRounds)));
            k += 2 * barrierRounds;
        }
        m.put("allGatherMs", gather);
        m.put("allGatherCodecMs", codec);
        m.put("barrierJobMs", wallMs);
        m.put("barrierInTaskMs", inTaskMs);
        m.put("barrierStageLaunchMs", wallMs - inTaskMs);
    }

    /** One synchronous step as an ordinary job: the payload goes out in the closure, one array per task returns. */
    private static float[] shipCollect(JavaRDD<Integer> rdd, float[] payload) {
        List<float[]> parts = rdd.mapPartitions(it -> {
            float[] out = new float[payload.length];
            for (int j = 0; j < out.length; j++) {
                out[j] = payload[j] * 0.5f;
            }
            return List.of(out).iterator();
        }).collect();
        return average(parts, new float[payload.length]);
    }

    static int roundsFor(int payload, int rounds) {
        return payload > BIG_PAYLOAD ? Math.max(5, rounds / 2) : rounds;
    }

    private static List<double[]> runBarrier(JavaRDD<Integer> rdd, RoundsTask task) {
        ClassTag<double[]> tag = ClassTag$.MODULE$.apply(double[].class);
        RDD<double[]> out = rdd.rdd().barrier().mapPartitions(task, false, tag);
        return JavaRDD.fromRDD(out, tag).collect();
    }

    /** Median wall time in ms of {@code n} runs of {@code job}, after {@code warmup} untimed ones. */
    static double medianJobMs(int n, int warmup, Runnable job) {
        for (int i = 0; i < warmup; i++) {
            job.run();
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            job.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return median(ms);
    }

    /** Per round, the slowest task's time: a synchronous step ends when its last task has the result. */
    private static double[] slowest(List<double[]> tasks, int from, int n) {
        double[] out = new double[n];
        for (double[] t : tasks) {
            for (int i = 0; i < n; i++) {
                out[i] = Math.max(out[i], t[from + i]);
            }
        }
        return out;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static float[] randomFloats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian() * 0.01f;
        }
        return f;
    }

    /** Element-wise mean of {@code parts} into {@code into}, which is returned. */
    static float[] average(List<float[]> parts, float[] into) {
        Arrays.fill(into, 0f);
        for (float[] p : parts) {
            for (int i = 0; i < into.length; i++) {
                into[i] += p[i];
            }
        }
        float scale = 1f / parts.size();
        for (int i = 0; i < into.length; i++) {
            into[i] *= scale;
        }
        return into;
    }

    static String encode(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return Base64.getEncoder().encodeToString(b.array());
    }

    static float[] decode(String text) {
        FloatBuffer fb = ByteBuffer.wrap(Base64.getDecoder().decode(text)).order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        float[] f = new float[fb.remaining()];
        fb.get(f);
        return f;
    }

    /**
     * The body of every barrier task: warm-ups, then timed {@code barrier()} rounds, then timed allGather rounds per
     * payload size. Returns one array per task: its body time in ms, the sync rounds' ms, then per payload size the
     * rounds' ms followed by the same rounds' encode/decode/average ms.
     */
    private static final class RoundsTask
            extends AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<double[]>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int warmup;
        private final int syncRounds;
        private final int[] payloads;

        RoundsTask(int warmup, int rounds, int[] payloads) {
            this.warmup = warmup;
            this.syncRounds = rounds;
            this.payloads = payloads.clone();
        }

        @Override
        public scala.collection.Iterator<double[]> apply(scala.collection.Iterator<Integer> ignored) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            long start = System.nanoTime();
            double[] out = new double[1 + syncRounds * (1 + 2 * payloads.length)];
            int k = 1;
            for (int r = 0; r < warmup + syncRounds; r++) {
                long t = System.nanoTime();
                ctx.barrier();
                if (r >= warmup) {
                    out[k++] = (System.nanoTime() - t) / 1e6;
                }
            }
            for (int p = 0; p < payloads.length; p++) {
                float[] mine = randomFloats(payloads[p], ctx.partitionId() + 1L);
                float[] avg = new float[payloads[p]];
                for (int r = 0; r < warmup + syncRounds; r++) {
                    long t = System.nanoTime();
                    double codecMs = exchange(ctx, mine, avg);
                    if (r >= warmup) {
                        out[k + r - warmup] = (System.nanoTime() - t) / 1e6;
                        out[k + syncRounds + r - warmup] = codecMs;
                    }
                }
                k += 2 * syncRounds;
            }
            out[0] = (System.nanoTime() - start) / 1e6;
            return CollectionConverters.asScala(List.of(out).iterator());
        }

        /**
         * One gradient exchange: send ours, receive every partition's, average them into {@code avg}. Returns the
         * ms spent outside the allGather call (encoding, decoding, averaging).
         */
        private static double exchange(BarrierTaskContext ctx, float[] mine, float[] avg) {
            long t0 = System.nanoTime();
            String message = encode(mine);
            long t1 = System.nanoTime();
            String[] all = ctx.allGather(message);
            long t2 = System.nanoTime();
            List<float[]> parts = new ArrayList<>(all.length);
            for (String s : all) {
                float[] f = decode(s);
                if (f.length != avg.length) {
                    throw new IllegalStateException(
                            "allGather returned " + f.length + " floats, expected " + avg.length);
                }
                parts.add(f);
            }
            average(parts, avg);
            return (t1 - t0 + System.nanoTime() - t2) / 1e6;
        }
    }

    /** Standalone: {@code BarrierBench [rounds] [partitions]} on {@code local[2]}, prints the figures. */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        // The job's own defaults (SparkContexts), as BenchMain uses them.
        SparkConf conf = SparkContexts.withDefaults(new SparkConf()
                .setMaster(System.getProperty("spark.master", "local[2]")).setAppName("barrier-bench")
                .set("spark.ui.enabled", "false"));
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            Map<String, Object> m = run(sc, partitions, DEFAULT_PAYLOADS, rounds);
            m.forEach((key, value) -> System.out.println(key + " = " + value));
        }
    }
}
