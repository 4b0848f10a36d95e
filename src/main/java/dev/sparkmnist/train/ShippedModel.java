package dev.sparkmnist.train;

import java.io.Serializable;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * How one round's weights reach the tasks: inside the task closure (serialised once per task, no broadcast
 * bookkeeping) for small models, as a Spark broadcast (fetched once per executor) for large ones. Measured in
 * local[2] on MNIST: the notebook's 784-25-10 (160 KB) ran 9% faster per job in the closure; the default
 * 784-512-10 with velocity (6.5 MB in double) ran 27% slower in the closure than broadcast.
 *
 * @param <T> the shipped array type: double[] for synchronous SGD, float[] for local SGD
 */
interface ShippedModel<T> extends Serializable {
    /** Models up to this many bytes travel in the task closure. */
    long CLOSURE_LIMIT_BYTES = 1 << 20;

    /** The shipped array, on the executor. */
    T value();

    /** Frees what shipping held on to, on the driver. */
    void release();

    static ShippedModel<double[]> of(JavaSparkContext sc, double[] values) {
        return of(sc, values, 8L * values.length);
    }

    static ShippedModel<float[]> of(JavaSparkContext sc, float[] values) {
        return of(sc, values, 4L * values.length);
    }

    private static <T> ShippedModel<T> of(JavaSparkContext sc, T values, long bytes) {
        if (bytes <= CLOSURE_LIMIT_BYTES) {
            return new InClosure<>(values);
        }
        return new Broadcasted<>(sc.broadcast(values));
    }

    /** The weights travel inside each task. */
    record InClosure<T>(T value) implements ShippedModel<T> {
        @Override
        public void release() {
        }
    }

    /** The weights travel as a broadcast variable. */
    record Broadcasted<T>(Broadcast<T> broadcast) implements ShippedModel<T> {
        @Override
        public T value() {
            return broadcast.value();
        }

        @Override
        public void release() {
            broadcast.destroy();
        }
    }
}
