package dev.sparkmnist.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * How the partitions' models are best combined: collected and summed on the driver in partition order (what the
 * trainer does, for bit-for-bit reproducibility) or by {@code treeAggregate} of depth 2 and 3 (Spark's usual
 * answer, which merges in completion order). One Spark job per combination, each task returning a float array the
 * size of the default model with velocity; median milliseconds per job, for 2 partitions (one per core, what
 * training uses) and 8.
 */
final class AggregateBench {
    private AggregateBench() {
    }

    static Map<String, Object> run(JavaSparkContext sc, int floats, int rounds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("floats", floats);
        for (int partitions : new int[] {2, 8}) {
            JavaRDD<Integer> rdd = sc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions)
                    .cache();
            rdd.count();
            Map<String, Double> byWay = new LinkedHashMap<>();
            byWay.put("collectInOrder", BarrierBench.medianJobMs(rounds, 3, () -> {
                List<float[]> parts = arrays(rdd, floats).collect();
                double[] sum = new double[floats];
                for (float[] p : parts) {
                    for (int i = 0; i < floats; i++) {
                        sum[i] += p[i];
                    }
                }
            }));
            for (int depth : new int[] {2, 3}) {
                byWay.put("treeAggregateDepth" + depth, BarrierBench.medianJobMs(rounds, 3,
                        () -> arrays(rdd, floats).treeAggregate(new double[floats], AggregateBench::add,
                                AggregateBench::merge, depth)));
            }
            m.put(partitions + " partitions", byWay);
            rdd.unpersist();
        }
        return m;
    }

    private static JavaRDD<float[]> arrays(JavaRDD<Integer> rdd, int floats) {
        return rdd.map(p -> {
            float[] out = new float[floats];
            for (int i = 0; i < floats; i++) {
                out[i] = (p + i) * 1e-6f;
            }
            return out;
        });
    }

    private static double[] add(double[] acc, float[] values) {
        for (int i = 0; i < values.length; i++) {
            acc[i] += values[i];
        }
        return acc;
    }

    private static double[] merge(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }
}
