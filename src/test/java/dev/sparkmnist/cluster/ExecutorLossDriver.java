package dev.sparkmnist.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.sparkmnist.checkpoint.CheckpointOptions;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.pipeline.SparkContexts;
import dev.sparkmnist.pipeline.TrainingJob;
import dev.sparkmnist.train.Averaging;
import dev.sparkmnist.train.KeyedRandomSampler;
import dev.sparkmnist.train.LearningRateSchedule;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.RoundStats;
import dev.sparkmnist.train.ScaleOut;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingListener;
import dev.sparkmnist.train.TrainingState;

/**
 * The driver of {@link ExecutorLossTest}, run in its own JVM on a {@code local-cluster} master: trains the same
 * configuration twice on one cluster, first undisturbed, then while the test kills an executor. Progress of the
 * second run is published as a file the test watches; the longest pause between rounds of each run is written to
 * {@code <work>/run-<name>.txt}.
 */
public final class ExecutorLossDriver {
    private ExecutorLossDriver() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path work = Path.of(args[1]);
        // 8 partitions of 4 samples each under block momentum (issue 12): the driver-side momentum buffer must
        // come out the same whichever executor ran which task. With "float" (args[3]): automatic local steps, i.e.
        // synchronous float gradients, whose update the collective engine shards between the executors and whose
        // sparse W1 rows travel between them as SparseRows.
        boolean floatGradients = args.length > 3 && args[3].equals("float");
        TrainingConfig config = floatGradients
                ? new TrainingConfig(16, 21, InputScaling.UNIT, 8, 50, List.of(new PhaseConfig(
                        Long.parseLong(args[2]), 32, 0.01, 0.001, 0.9, 0, LearningRateSchedule.COSINE)),
                        ScaleOut.SPLIT)
                : new TrainingConfig(16, 21, InputScaling.UNIT, 8, 50, List.of(new PhaseConfig(
                        Long.parseLong(args[2]), 32, 0.01, 0.001, 0.9, 2, LearningRateSchedule.COSINE)),
                        new ScaleOut(4, Averaging.BMUF, 0, 1, 0, 0));
        try (SparkContexts.Handle spark = SparkContexts.open("executor loss test")) {
            for (String name : new String[] {"undisturbed", "disturbed"}) {
                Path progress = work.resolve("progress-" + name);
                GapMeter gaps = new GapMeter(progress);
                TrainingJob.Result r = TrainingJob.run(spark.context(), new TrainingJob.Spec(data.toString(),
                        work.resolve(name).toString(), config, null, new KeyedRandomSampler()), List.of(gaps),
                        CheckpointOptions.DISABLED);
                Files.writeString(work.resolve("run-" + name + ".txt"), String.format(Locale.ROOT,
                        "trainingSeconds=%.2f%nlongestRoundSeconds=%.2f%n", r.trainingSeconds(), gaps.longest / 1e9));
            }
        }
    }

    /** Records the longest wall time between two rounds and publishes the global step after each round. */
    private static final class GapMeter implements TrainingListener {
        private final Path progress;
        private long last = -1;
        private long longest;

        GapMeter(Path progress) {
            this.progress = progress;
        }

        @Override
        public void afterRound(TrainingState state, RoundStats stats) {
            long now = System.nanoTime();
            if (last >= 0) { // from the first round on: setup and cluster start-up are not training pauses
                longest = Math.max(longest, now - last);
            }
            last = now;
            try {
                Path tmp = progress.resolveSibling(progress.getFileName() + ".tmp");
                Files.writeString(tmp, Long.toString(state.globalStep()));
                Files.move(tmp, progress, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
