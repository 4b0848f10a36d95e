package dev.sparkmnist.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.spark.ExceptionFailure;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;
import dev.sparkmnist.train.DistributedTrainer;
import dev.sparkmnist.train.KeyedShuffleSampler;
import dev.sparkmnist.train.LearningRateSchedule;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.ScaleOut;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingListener;
import dev.sparkmnist.train.TrainingState;

/**
 * A task of the collective stage that stops answering (a test hook makes task 1 sleep at step 12 of the stage's
 * first attempt): its peer fails after the exchange timeout with a message naming it, Spark retries the barrier
 * stage, the retry continues from the newest snapshot, and the run ends with the weights of the job-per-round
 * engine, which saw no fault.
 */
@Timeout(300)
class CollectiveFaultTest {
    @TempDir
    Path dir;

    @Test
    void aStuckPeerFailsTheAttemptByNameAndTheRetryEndsWithTheSameWeights() {
        Path data = SyntheticDigits.writeMnistLike(dir, 600, 10, false, 4);
        JavaSparkContext sc = SharedSpark.get();
        IdxRddLoader.LoadedSet set = IdxRddLoader.load(sc, MnistFiles.train(data.toString()), 8);
        PhaseConfig auto = new PhaseConfig(30, 64, 0.002, 0.0001, 0.9, 0, LearningRateSchedule.COSINE, true, 0.1);
        TrainingConfig config = new TrainingConfig(16, 3, InputScaling.MNIST_STANDARD, 8, 5, List.of(auto),
                ScaleOut.SPLIT);
        Network start = Network.initialise(new LayerSizes(784, 16, 10), 3);
        double[] expected = new DistributedTrainer(sc, config, new KeyedShuffleSampler(), List.of())
                .train(set.blocks(), TrainingState.start(start.copy())).network().parameters();

        List<String> failures = new CopyOnWriteArrayList<>();
        SparkListener watch = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() instanceof ExceptionFailure f) {
                    failures.add(f.description());
                }
            }
        };
        sc.sc().addSparkListener(watch);
        sc.setLocalProperty(CollectiveEngine.TIMEOUT, "3");
        sc.setLocalProperty(CollectiveEngine.SNAPSHOT_SECONDS, "1");
        sc.setLocalProperty("spark.sparkmnist.test.stallTask", "1");
        sc.setLocalProperty("spark.sparkmnist.test.stallStep", "12");
        double[] got;
        try {
            got = new DistributedTrainer(sc, config, new KeyedShuffleSampler(), List.of(TrainingListener.NONE),
                    new CollectiveEngine(sc)).train(set.blocks(), TrainingState.start(start.copy()))
                    .network().parameters();
        } finally {
            for (String k : new String[] {CollectiveEngine.TIMEOUT, CollectiveEngine.SNAPSHOT_SECONDS,
                "spark.sparkmnist.test.stallTask", "spark.sparkmnist.test.stallStep"}) {
                sc.setLocalProperty(k, null);
            }
            sc.sc().removeSparkListener(watch);
            set.blocks().unpersist(false);
        }
        System.out.println("task failures: " + failures);
        assertTrue(failures.stream().anyMatch(f -> f.contains("no data from task 1") && f.contains("stuck or gone")),
                "the waiting peer names the stuck one: " + failures);
        assertArrayEquals(expected, got, 0.0, "the retried stage ends with the undisturbed weights");
    }
}
