package dev.sparkmnist.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.api.java.JavaSparkContext;

import dev.sparkmnist.data.IdxRddLoader.LoadedSet;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.pipeline.Presets;
import dev.sparkmnist.train.TaskClock;
import dev.sparkmnist.train.TrainingConfig;

/**
 * The {@code best} preset (distortions made on the executors) on real MNIST: time to 99.0% and 99.2% test accuracy
 * (training time, evaluation kept out), final test accuracy (the last model's; the best along the way only for
 * reference), samples per second, and the share of the time inside tasks spent distorting images.
 */
final class BestBench {
    private BestBench() {
    }

    static TrainingConfig config(InputScaling learnt, int partitions, long seed) {
        Presets.Preset p = Presets.BEST;
        return new TrainingConfig(p.hidden(), seed, learnt, partitions, 1_000_000, p.phases(), p.scaleOut(),
                p.augmentation());
    }

    static Map<String, Object> run(JavaSparkContext sc, LoadedSet train, LoadedSet test, TrainingConfig config,
                                   long evalEvery) {
        TaskClock.reset();
        Map<String, Object> m = new LinkedHashMap<>(OursBench.run(sc, train, test, config,
                Presets.BEST.sampling().sampler(), evalEvery));
        @SuppressWarnings("unchecked")
        List<AccuracyProbe.Checkpoint> points = (List<AccuracyProbe.Checkpoint>) m.get("checkpoints");
        m.put("augmentation", config.augmentation().toString());
        m.put("epochs", config.totalIterations() * config.phases().get(0).batchSize() / (double) train.count());
        m.put("timeTo990", AccuracyProbe.timeTo(points, 0.990));
        m.put("timeTo992", AccuracyProbe.timeTo(points, 0.992));
        m.put("distortSeconds", TaskClock.distortSeconds());
        m.put("taskSecondsWithDistortion", TaskClock.taskSeconds());
        m.put("distortShareInsideTasks", TaskClock.distortSeconds() / TaskClock.taskSeconds());
        m.put("loadAverage", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
        return m;
    }
}
