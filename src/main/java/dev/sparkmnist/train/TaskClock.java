package dev.sparkmnist.train;

import java.util.concurrent.atomic.LongAdder;

/**
 * Time spent inside training tasks, and the part of it spent distorting images, summed over the task threads of
 * this JVM since the last {@link #reset}. Only counted for runs with distortions. In {@code local[*]} mode the
 * driver's JVM runs the tasks, so the benchmark reads the distortions' share of the task time here; on a cluster
 * each executor counts its own.
 */
public final class TaskClock {
    private static final LongAdder TASK_NANOS = new LongAdder();
    private static final LongAdder DISTORT_NANOS = new LongAdder();

    private TaskClock() {
    }

    static void add(long taskNanos, long distortNanos) {
        TASK_NANOS.add(taskNanos);
        DISTORT_NANOS.add(distortNanos);
    }

    /** Starts counting from zero. */
    public static void reset() {
        TASK_NANOS.reset();
        DISTORT_NANOS.reset();
    }

    /** Seconds inside tasks that distorted images. */
    public static double taskSeconds() {
        return TASK_NANOS.sum() / 1e9;
    }

    /** Seconds of that spent distorting. */
    public static double distortSeconds() {
        return DISTORT_NANOS.sum() / 1e9;
    }
}
