package dev.sparkmnist.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.testing.SharedSpark;

/**
 * The default preset on real MNIST (folder from the MNIST_DIR environment variable) reaches at least 98.0% test
 * accuracy. Skipped, with the reason printed, where MNIST_DIR is not set.
 */
class RealMnistTest {
    @Test
    void defaultPresetReaches98Percent(@TempDir Path out) throws java.io.IOException {
        String dir = System.getenv("MNIST_DIR");
        if (dir == null || dir.isBlank()) {
            System.out.println("RealMnistTest skipped: MNIST_DIR is not set (point it at the real MNIST files)");
        }
        Assumptions.assumeTrue(dir != null && !dir.isBlank(), "MNIST_DIR is not set");
        Presets.Preset p = Presets.DEFAULT;
        TrainingConfig config = new TrainingConfig(p.hidden(), 42, InputScaling.of(p.scaling()), 2, 1000, p.phases());
        TrainingJob.Result result = TrainingJob.run(SharedSpark.get(), new TrainingJob.Spec(dir,
                out.resolve("model").toString(), config, null, p.sampling().sampler()), List.of());
        double acc = result.metrics().test().accuracy();
        System.out.printf("RealMnistTest: default preset test accuracy %.4f after %.1f s of training%n", acc,
                result.trainingSeconds());
        assertTrue(acc >= 0.98, "test accuracy " + acc);
        String html = java.nio.file.Files.readString(out.resolve("model").resolve("report.html"));
        assertTrue(html.contains("MNIST (verified)") && html.contains("test digits right"),
                "MNIST is recognised by its sums and its classes are digits");
        assertTrue(result.metadata().inputTransform().pixelMean() > 33 && result.metadata().inputTransform()
                .pixelMean() < 34, "MNIST's learnt pixel mean is about 33.3");
    }
}
