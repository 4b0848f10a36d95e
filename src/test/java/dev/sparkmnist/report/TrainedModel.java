package dev.sparkmnist.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.cli.Main;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;
import dev.sparkmnist.train.Convergence.PhaseRun;
import dev.sparkmnist.train.RunPlan;

/**
 * A model directory written by a real {@code train} run on synthetic digits, for the report tests that read what a
 * run left: its report, {@code model.json} and {@code curves.json}, and the report {@code evaluate --report-dir}
 * draws again from them.
 *
 * @param data  the synthetic data folder trained on
 * @param model the model directory
 */
record TrainedModel(Path data, Path model) {
    /**
     * Writes {@code trainCount} training and {@code testCount} test digits (seed {@code seed}) under {@code tmp} and
     * trains a model on them with {@code options} (after {@code --data-dir} and {@code --out}); the run must succeed.
     */
    static TrainedModel train(Path tmp, int trainCount, int testCount, long seed, String... options) {
        SharedSpark.get();
        Path data = SyntheticDigits.writeMnistLike(tmp.resolve("data"), trainCount, testCount, false, seed);
        Path model = tmp.resolve("models/m");
        List<String> args = new ArrayList<>(List.of("train", "--data-dir", data.toString(), "--out",
                model.toString()));
        args.addAll(List.of(options));
        assertEquals(ExitCodes.OK, Main.run(args.toArray(String[]::new)));
        return new TrainedModel(data, model);
    }

    /** A file of the model directory. */
    Path file(String name) {
        return model.resolve(name);
    }

    /** The model's {@code model.json}. */
    ModelMetadata metadata() {
        return ModelStore.load(model.toString()).metadata();
    }

    /** The training curves saved beside the model. */
    RunReport.Curves curves() throws IOException {
        return Json.MAPPER.readValue(file(RunReport.CURVES_JSON).toFile(), RunReport.Curves.class);
    }

    /**
     * Runs {@code evaluate --report-dir dir} on the model and its data (2 partitions), which must succeed and draw
     * the training's loss chart again; returns {@code dir}.
     */
    Path evaluateInto(Path dir) throws IOException {
        assertEquals(ExitCodes.OK, Main.run("evaluate", "--data-dir", data.toString(), "--model", model.toString(),
                "--report-dir", dir.toString(), "--partitions", "2"));
        assertArrayEquals(Files.readAllBytes(file(RunReport.LOSS_PNG)),
                Files.readAllBytes(dir.resolve(RunReport.LOSS_PNG)), "evaluate redraws the training's loss chart");
        return dir;
    }

    /**
     * Asserts that the run's {@code loss.png} is the chart of its curves with the phase marks placed by
     * {@code planned} and {@code stopped} ({@link LossChart#marks}), and not the chart of its configured phases
     * (else the marks would not be tested).
     */
    void assertLossPngMarks(List<RunPlan.Phase> planned, List<PhaseRun> stopped) throws IOException {
        RunReport.Curves c = curves();
        byte[] onDisk = Files.readAllBytes(file(RunReport.LOSS_PNG));
        assertArrayEquals(LossChart.png(c.phases(), planned, stopped, c.loss(), c.accuracy(), c.accuracySample()),
                onDisk, "loss.png was not drawn with the marks of what ran");
        assertFalse(Arrays.equals(LossChart.png(c.phases(), c.loss(), c.accuracy(), c.accuracySample()), onDisk),
                "the chart of the configured phases looks the same: the marks were not tested");
    }
}
