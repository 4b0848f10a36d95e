package dev.sparkmnist.train;

import java.io.Serializable;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * How one round's weights reach the tasks: inside the task closure (serialised once per task, no broadcast
 * bookkeeping) for small models, as a Spark broadcast (fetched once per executor) for large ones. Measured in
 * local[2] on MNIST: the notebook's 784-25-10 (160 KB) ran 9% faster per job in the closure; the default
 * 784-512-10 with velocity (6.5 MB) ran 27% slower in the closure than broadcast.
 */
interface ShippedModel extends Serializable {
    /** Models up to this many bytes travel in the task closure. */
    long CLOSURE_LIMIT_BYTES = 1 << 20;

    /** The shipped array, on the executor. */
    double[] value();

    /** Frees what shipping held on to, on the driver. */
    void release();

    static ShippedModel of(JavaSparkContext sc, double[] values) {
        if (8L * values.length <= CLOSURE_LIMIT_BYTES) {
            return new InClosure(values);
        }
        return new Broadcasted(sc.broadcast(values));
    }

    /** The weights travel inside each task. */
    record InClosure(double[] value) implements ShippedModel {
        @Override
        public void release() {
        }
    }

    /** The weights travel as a broadcast variable. */
    record Broadcasted(Broadcast<double[]> broadcast) implements ShippedModel {
        @Override
        public double[] value() {
            return broadcast.value();
        }

        @Override
        public void release() {
            broadcast.destroy();
        }
    }
}
