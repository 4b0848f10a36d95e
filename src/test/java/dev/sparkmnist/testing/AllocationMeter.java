package dev.sparkmnist.testing;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated on the current thread while running a piece of code (HotSpot's per-thread allocation counter):
 * how tests check that hostile input is refused before any large allocation.
 */
public final class AllocationMeter {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationMeter() {
    }

    /** Something to measure; may throw. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** Runs {@code action} (ignoring what it throws) and returns the bytes it allocated on this thread. */
    public static long allocatedBy(Action action) {
        long id = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(id);
        try {
            action.run();
        } catch (Exception | Error e) {
            // the caller checks the outcome separately
        }
        return THREADS.getThreadAllocatedBytes(id) - before;
    }
}
