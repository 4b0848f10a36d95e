package dev.sparkmnist.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.checkpoint.CheckpointStore;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.testing.ChildJvm;
import dev.sparkmnist.testing.CliRun;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * A driver JVM really killed ({@code kill -9}, i.e. {@link Process#destroyForcibly}) at about iteration 170 of 300
 * and then resumed from its last checkpoint ends with exactly the weights of an uninterrupted 300-iteration run.
 * The killed driver runs {@code train} in a child JVM on {@code local[2]}; the straight and the resumed runs use
 * this JVM's {@code local[2]} context, with the same two partitions.
 */
@Tag("multiprocess")
@Timeout(600)
class DriverKillResumeTest {
    private static final long KILL_AFTER = 170;

    @TempDir
    Path tmp;

    private static List<String> args(Path data, Path out) {
        return new ArrayList<>(List.of("train", "--data-dir", data.toString(), "--out", out.toString(),
                "--hidden", "16", "--partitions", "2", "--seed", "11", "--log-every", "50",
                "--phase", "iterations=300,batch-size=32,lr=0.01,momentum=0.9,local-steps=1,schedule=cosine",
                "--checkpoint-every", "10", "--keep-checkpoints", "3"));
    }

    @Test
    void killedDriverResumesToTheSameWeights() throws Exception {
        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 1000, 100, false, 8);
        Path killed = tmp.resolve("killed");
        CheckpointStore store = new CheckpointStore(killed + ".checkpoints", 3);
        long killedAt;
        try (ChildJvm driver = ChildJvm.start(tmp.resolve("driver.log"),
                Map.of("spark.master", "local[2]", "spark.ui.enabled", "false",
                        "spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1",
                        "log4j.configurationFile", Path.of("conf/log4j2.properties").toAbsolutePath().toString()),
                Map.of(), "dev.sparkmnist.cli.Main", args(data, killed).toArray(String[]::new))) {
            boolean reached = driver.awaitCondition(() -> {
                List<Long> steps = store.steps();
                return !steps.isEmpty() && steps.get(0) >= KILL_AFTER;
            }, 300);
            assertTrue(reached && driver.process().isAlive(),
                    "driver should be mid-run at iteration " + KILL_AFTER + "; log:\n" + driver.tail());
            driver.killHard();
            driver.waitFor(60);
            killedAt = store.steps().get(0);
        }
        System.out.printf("driver killed with kill -9; newest checkpoint at iteration %d of 300%n", killedAt);
        assertFalse(Files.exists(killed), "a killed run publishes no model");
        assertTrue(killedAt >= KILL_AFTER && killedAt < 300, "killed mid-run, newest checkpoint " + killedAt);

        List<String> resume = args(data, killed);
        resume.add("--resume");
        CliRun resumed = CliRun.of(resume.toArray(String[]::new));
        assertEquals(0, resumed.exitCode(), resumed.stderr());
        Path straight = tmp.resolve("straight");
        assertEquals(0, CliRun.of(args(data, straight).toArray(String[]::new)).exitCode());

        double[] a = ModelStore.load(straight.toString()).network().parameters();
        double[] b = ModelStore.load(killed.toString()).network().parameters();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        System.out.printf("killed at ~%d and resumed vs straight 300: max |weight difference| = %s (%d weights)%n",
                killedAt, max, a.length);
        assertArrayEquals(a, b, 0.0, "bit for bit");
        assertFalse(Files.exists(Path.of(killed + ".checkpoints")), "checkpoints removed once the model is saved");
    }
}
