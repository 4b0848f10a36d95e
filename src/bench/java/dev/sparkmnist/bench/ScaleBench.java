package dev.sparkmnist.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.RDDInfo;

import dev.sparkmnist.augment.AugmentedMnist;
import dev.sparkmnist.augment.Distortion;
import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.IdxRddLoader.LoadedSet;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.train.DistributedTrainer;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingState;

/**
 * Training throughput and cache size as the training set grows: generated sets of N records (MNIST plus
 * distorted copies, made once and reused), each loaded and cached, trained for {@value #WARMUP_ITERATIONS}
 * untimed iterations (so the set measured first does not pay for the JIT alone), then a fixed number of training
 * iterations timed. An epoch's time is N divided by the measured samples per second.
 */
final class ScaleBench {
    static final int WARMUP_ITERATIONS = 128;
    /** The default preset's way of drawing batches. */
    private static final dev.sparkmnist.train.Sampling SAMPLING = dev.sparkmnist.pipeline.Presets.DEFAULT.sampling();

    private ScaleBench() {
    }

    /** The data directory holding {@code count} records: the source itself, or a generated set (made if absent). */
    static Map<String, Object> dataDir(String source, String workDir, int count) {
        Map<String, Object> m = new LinkedHashMap<>();
        int sourceCount = (int) IdxReader.readHeader(MnistFiles.train(source).labels(), IdxKind.LABELS).count();
        if (count == sourceCount) {
            m.put("dir", source);
            m.put("generateSeconds", 0.0);
            return m;
        }
        String dir = new Path(workDir, "mnist-" + count).toString();
        boolean present = MnistFiles.complete(dir)
                && IdxReader.readHeader(MnistFiles.train(dir).labels(), IdxKind.LABELS).count() == count;
        long t0 = System.nanoTime();
        if (!present) {
            AugmentedMnist.generate(source, dir, count, 1, Distortion.MNIST_DEFAULT);
        }
        m.put("dir", dir);
        m.put("generateSeconds", present ? 0.0 : (System.nanoTime() - t0) / 1e9);
        m.put("reused", present);
        return m;
    }

    static Map<String, Object> run(JavaSparkContext sc, String dir, TrainingConfig config) {
        Map<String, Object> m = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        LoadedSet set = IdxRddLoader.load(sc, MnistFiles.train(dir), config.partitions());
        set.blocks().count();
        m.put("records", set.count());
        m.put("loadSeconds", (System.nanoTime() - t0) / 1e9);
        m.put("bytesPerPixel", bytesPerPixel(sc, set));
        Network start = Network.initialise(new LayerSizes(set.pixelsPerImage(), config.hidden(), 10), config.seed());
        TrainingConfig warmup = new TrainingConfig(config.hidden(), config.seed(), config.scaling(),
                config.partitions(), config.logEvery(),
                List.of(config.phases().get(0).withIterations(WARMUP_ITERATIONS)));
        new DistributedTrainer(sc, warmup, SAMPLING.sampler(), List.of())
                .train(set.blocks(), TrainingState.start(start));
        OursBench.resetPeakHeap();
        long gc0 = gcMillis();
        long t1 = System.nanoTime();
        new DistributedTrainer(sc, config, SAMPLING.sampler(), List.of())
                .train(set.blocks(), TrainingState.start(start));
        double seconds = (System.nanoTime() - t1) / 1e9;
        m.put("gcSecondsDuringTraining", (gcMillis() - gc0) / 1e3);
        long samples = config.totalIterations() * config.phases().get(0).batchSize();
        double rate = samples / seconds;
        m.put("iterations", config.totalIterations());
        m.put("trainSeconds", seconds);
        m.put("samplesPerSecond", rate);
        m.put("epochSeconds", set.count() / rate);
        m.put("peakHeapBytes", OursBench.peakHeap());
        set.blocks().unpersist(true);
        return m;
    }

    /** Total collection time of all garbage collectors so far, in milliseconds. */
    static long gcMillis() {
        long sum = 0;
        for (java.lang.management.GarbageCollectorMXBean gc
                : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    /** Bytes the cached blocks take in Spark's memory store per training pixel. */
    static double bytesPerPixel(JavaSparkContext sc, LoadedSet set) {
        for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
            if (info.id() == set.blocks().id()) {
                return info.memSize() / ((double) set.count() * set.pixelsPerImage());
            }
        }
        return Double.NaN;
    }
}
