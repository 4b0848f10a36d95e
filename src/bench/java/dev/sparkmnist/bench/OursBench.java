package dev.sparkmnist.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.api.java.JavaSparkContext;

import dev.sparkmnist.data.IdxRddLoader.LoadedSet;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.train.DistributedTrainer;
import dev.sparkmnist.train.BatchSampler;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingState;

/**
 * One training run of ours on cached data, with test accuracy every {@code evalEvery} iterations and the wall time
 * split into Spark's overhead, the arithmetic inside tasks, and the driver's own work.
 */
final class OursBench {
    private OursBench() {
    }

    static Map<String, Object> run(JavaSparkContext sc, LoadedSet train, LoadedSet test, TrainingConfig config,
                                   BatchSampler sampler, long evalEvery) {
        JobTimer timer = new JobTimer(AccuracyProbe.TRAIN_GROUP);
        sc.sc().addSparkListener(timer);
        resetPeakHeap();
        AccuracyProbe probe = new AccuracyProbe(sc, test.blocks(), config.scaling(), evalEvery);
        Network start = Network.initialise(new LayerSizes(train.pixelsPerImage(), config.hidden(), 10), config.seed());
        long t0 = System.nanoTime();
        new DistributedTrainer(sc, config, sampler, List.of(probe))
                .train(train.blocks(), TrainingState.start(start));
        double wall = (System.nanoTime() - t0) / 1e9 - probe.evalSeconds();
        sc.clearJobGroup();
        waitForListenerBus(sc);
        sc.sc().removeSparkListener(timer);
        JobTimer.Totals t = timer.totals();
        List<AccuracyProbe.Checkpoint> points = probe.checkpoints();
        AccuracyProbe.Checkpoint last = points.get(points.size() - 1);

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hidden", config.hidden());
        m.put("phases", config.phases());
        m.put("seed", config.seed());
        m.put("partitions", config.partitions());
        m.put("trainSeconds", wall);
        m.put("evalSeconds", probe.evalSeconds());
        m.put("timeTo975", AccuracyProbe.timeTo(points, 0.975));
        m.put("timeTo980", AccuracyProbe.timeTo(points, 0.980));
        m.put("finalTestAccuracy", last.testAccuracy());
        m.put("bestTestAccuracy", points.stream().mapToDouble(AccuracyProbe.Checkpoint::testAccuracy).max()
                .orElse(0));
        m.put("samplesPerSecond", last.samples() / wall);
        m.put("sparkJobs", t.jobs());
        m.put("iterations", last.iteration());
        m.put("msPerJob", 1e3 * t.jobSeconds() / Math.max(1, t.jobs()));
        m.put("insideTasksSeconds", t.insideSeconds());
        m.put("tasks", t.tasks());
        m.put("taskSeconds", t.taskSeconds());
        m.put("rounds", last.rounds());
        m.put("samples", last.samples());
        m.put("sparkOverheadSeconds", t.overheadSeconds());
        m.put("driverSeconds", Math.max(0, wall - t.jobSeconds()));
        m.put("sparkOverheadShare", t.overheadSeconds() / wall);
        m.put("peakHeapBytes", peakHeap());
        m.put("checkpoints", points);
        return m;
    }

    /** Waits until Spark's listener bus has delivered every event so far (job and task ends). */
    static void waitForListenerBus(JavaSparkContext sc) {
        try {
            sc.sc().listenerBus().waitUntilEmpty();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void resetPeakHeap() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peak use since the last reset (in local mode: driver and executors together). */
    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
