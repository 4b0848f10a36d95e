package dev.sparkmnist.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.IdxRddLoader;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.nn.Backprop;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.nn.Workspace;
import dev.sparkmnist.testing.SharedSpark;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * Distribution does not change the math: one fixed mini-batch's gradient computed through Spark with 1, 2 and 7
 * partitions equals the single-threaded gradient to 1e-9 relative (double precision; only the order of the
 * floating-point sums differs).
 */
class DistributedGradientTest {
    @TempDir
    Path dir;

    @Test
    void gradientIsIndependentOfPartitioning() {
        SyntheticDigits.writeMnistLike(dir, 700, 10, false, 5);
        JavaSparkContext sc = SharedSpark.get();
        LayerSizes sizes = new LayerSizes(784, 16, 10);
        Network net = Network.initialise(sizes, 9);
        int batch = 150;
        int[] global = new int[batch];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < batch; i++) {
            global[i] = r.nextInt(700);
        }
        java.util.Arrays.sort(global);
        BatchSampler sampler = new FixedBatchSampler(new int[][] {global});

        double[] expected = singleThreaded(net, global);
        for (int partitions : new int[] {1, 2, 7}) {
            IdxRddLoader.LoadedSet set = IdxRddLoader.load(sc, MnistFiles.train(dir.toString()), partitions);
            assertEquals(partitions, set.blocks().getNumPartitions());
            TrainingConfig config = new TrainingConfig(16, 1, InputScaling.UNIT, partitions, 10,
                    List.of(PhaseConfig.plain(1, batch, 0.1, 0)));
            double[] got = new DistributedTrainer(sc, config, sampler, List.of())
                    .batchGradient(set.blocks(), net, 0, batch);
            set.blocks().unpersist(false);
            double worst = 0;
            double norm = 0;
            for (double v : expected) {
                norm = Math.max(norm, Math.abs(v));
            }
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-6 * norm));
            }
            assertTrue(worst < 1e-9, partitions + " partitions: worst relative difference " + worst);
        }
    }

    /** The same batch through Backprop directly, no Spark; last element is the loss. */
    private double[] singleThreaded(Network net, int[] global) {
        String images = MnistFiles.train(dir.toString()).images();
        String labels = MnistFiles.train(dir.toString()).labels();
        byte[] pixels = IdxReader.readRecords(IdxReader.readHeader(images, IdxKind.IMAGES), 0, 700);
        byte[] y = IdxReader.readLabels(IdxReader.readHeader(labels, IdxKind.LABELS));
        Workspace ws = new Workspace(net.sizes(), global.length);
        for (int j = 0; j < global.length; j++) {
            for (int k = 0; k < 784; k++) {
                ws.x[j * 784 + k] = (pixels[global[j] * 784 + k] & 0xff) / 255.0;
            }
            ws.y[j] = y[global[j]];
        }
        double[] grad = new double[net.sizes().parameterCount() + 1];
        double loss = Backprop.accumulate(net, ws, global.length, grad);
        grad[grad.length - 1] = loss;
        return grad;
    }
}
