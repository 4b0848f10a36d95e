package dev.sparkmnist.eval;


import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.nn.ForwardPass;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.nn.Workspace;
import dev.sparkmnist.train.BatchAssembler;

/**
 * Predicts every record of a cached data set with one Spark job and counts the outcomes into a
 * {@link ConfusionMatrix}. Each partition runs the forward pass over its block in chunks.
 */
public final class Evaluator {
    private static final int CHUNK = 500;

    private Evaluator() {
    }

    /** The confusion matrix of {@code network} on all records of {@code blocks}. */
    public static ConfusionMatrix confusion(JavaSparkContext sc, JavaRDD<ImageBlock> blocks, Network network,
                                            InputScaling scaling) {
        Broadcast<Network> model = sc.broadcast(network);
        try {
            double scale = scaling.factor();
            return blocks.map(block -> confusion(block, model.value(), scale))
                    .reduce(ConfusionMatrix::plus);
        } finally {
            model.destroy();
        }
    }

    /** The confusion matrix of {@code network} on one block, on the calling thread. */
    public static ConfusionMatrix confusion(ImageBlock block, Network network, double scale) {
        ConfusionMatrix m = ConfusionMatrix.empty(network.sizes().outputs());
        int[] predicted = predict(block, network, scale);
        for (int j = 0; j < predicted.length; j++) {
            m.add(block.label(j), predicted[j]);
        }
        return m;
    }

    /** Predicted classes for consecutive records of one block; for reports that show individual digits. */
    public static int[] predict(ImageBlock block, Network network, double scale) {
        int[] out = new int[block.count()];
        Workspace ws = new Workspace(network.sizes(), Math.min(CHUNK, block.count()));
        for (int first = 0; first < block.count(); first += CHUNK) {
            int n = Math.min(CHUNK, block.count() - first);
            BatchAssembler.fillRange(block, first, n, scale, ws);
            ForwardPass.run(network, ws, n, false);
            for (int j = 0; j < n; j++) {
                out[first + j] = ForwardPass.argmax(ws, j);
            }
        }
        return out;
    }

}
