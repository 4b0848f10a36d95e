package dev.sparkmnist.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.model.NpyArrays;
import dev.sparkmnist.nn.ForwardPass;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.nn.Workspace;
import dev.sparkmnist.testing.SharedSpark;

/**
 * The Java trainer reproduces the notebook's own numpy arithmetic. {@code src/test/python/notebook_parity.py}
 * ran the notebook's training loop (two phases, raw pixels, batch-summed gradients, L2) on a tiny data set with
 * a fixed sequence of batches and saved the data, starting weights, batches, final weights and per-phase losses
 * in {@code src/test/resources/notebook-parity}; this test feeds the same batches through Spark and compares.
 * The second phase continues from the first phase's result, as the notebook's second training call does.
 */
class NotebookParityTest {
    private static final double TOLERANCE = 1e-6;

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void javaTrainerMatchesNumpyNotebook(int partitions) throws Exception {
        Path dir = resource("notebook-parity");
        LayerSizes sizes = new LayerSizes(64, 6, 10);
        Network start = network(dir, "init_", sizes);
        int[][] batches = Files.readAllLines(dir.resolve("batches.txt")).stream()
                .map(l -> Arrays.stream(l.trim().split(" ")).mapToInt(Integer::parseInt).toArray())
                .toArray(int[][]::new);
        List<double[]> phases = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("phases.txt"))) {
            phases.add(Arrays.stream(line.trim().split(" ")).mapToDouble(Double::parseDouble).toArray());
        }
        double[] expectedLosses = Files.readAllLines(dir.resolve("losses.txt")).stream()
                .mapToDouble(Double::parseDouble).toArray();

        JavaSparkContext sc = SharedSpark.get();
        MnistFiles.Split split = new MnistFiles.Split(dir.resolve("images.idx").toString(),
                dir.resolve("labels.idx").toString());
        IdxRddLoader.LoadedSet data = IdxRddLoader.load(sc, split, partitions);
        TrainingState state = TrainingState.start(start);
        for (int p = 0; p < phases.size(); p++) {
            double[] ph = phases.get(p);
            TrainingConfig config = new TrainingConfig(6, 0, InputScaling.RAW, partitions, 1000,
                    List.of(PhaseConfig.plain((long) ph[0], batches[0].length, ph[1], ph[2])));
            TrainingState from = new TrainingState(0, 0, state.globalStep(), state.network(),
                    new double[sizes.parameterCount()]);
            state = new DistributedTrainer(sc, config, new FixedBatchSampler(batches), List.of())
                    .train(data.blocks(), from);
            double loss = fullLoss(state.network(), split, ph[2]);
            assertEquals(expectedLosses[p], loss, TOLERANCE * Math.abs(expectedLosses[p]), "loss after phase " + (p + 1));
        }
        data.blocks().unpersist(false);
        assertEquals(batches.length, state.globalStep());

        Network expected = network(dir, "", sizes);
        double worst = 0;
        for (int i = 0; i < sizes.parameterCount(); i++) {
            double e = expected.parameters()[i];
            double g = state.network().parameters()[i];
            worst = Math.max(worst, Math.abs(e - g) / Math.max(Math.abs(e), 1e-3));
        }
        assertTrue(worst < TOLERANCE, "worst relative weight difference " + worst);
        // The weights must actually have moved, or the comparison proves nothing.
        assertTrue(Math.abs(expected.parameters()[0] - start.parameters()[0]) > 1e-6);
    }

    /** The notebook's calculate_loss: (sum of cross-entropy + lambda/2 (|W1|^2 + |W2|^2)) / N. */
    private static double fullLoss(Network net, MnistFiles.Split split, double lambda) {
        byte[] pixels = IdxReader.readRecords(IdxReader.readHeader(split.images(), IdxKind.IMAGES), 0, 120);
        byte[] labels = IdxReader.readLabels(IdxReader.readHeader(split.labels(), IdxKind.LABELS));
        Workspace ws = new Workspace(net.sizes(), labels.length);
        for (int i = 0; i < pixels.length; i++) {
            ws.x[i] = pixels[i] & 0xff;
        }
        for (int j = 0; j < labels.length; j++) {
            ws.y[j] = labels[j];
        }
        return (ForwardPass.run(net, ws, labels.length, true) + net.l2Penalty(lambda)) / labels.length;
    }

    private static Network network(Path dir, String prefix, LayerSizes s) throws IOException {
        double[] p = new double[s.parameterCount()];
        put(dir, prefix + "W1.npy", p, s.w1Offset(), s.inputs(), s.hidden());
        put(dir, prefix + "b1.npy", p, s.b1Offset(), s.hidden());
        put(dir, prefix + "W2.npy", p, s.w2Offset(), s.hidden(), s.outputs());
        put(dir, prefix + "b2.npy", p, s.b2Offset(), s.outputs());
        return new Network(s, p);
    }

    private static void put(Path dir, String name, double[] into, int offset, int... shape) throws IOException {
        double[] v = NpyArrays.decode(Files.readAllBytes(dir.resolve(name)), name, shape);
        System.arraycopy(v, 0, into, offset, v.length);
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(NotebookParityTest.class.getClassLoader().getResource(name).toURI());
    }
}
