package dev.sparkmnist.collective;

import java.io.Serializable;

/**
 * When task 0 sends the whole state to the driver: after every round ({@code everyRound}, for listeners that read
 * the weights without saying how often), at the first round after each multiple of {@code everyIterations} global
 * steps, when {@code everyNanos} have passed since the last one, and at a round that may end the phase (its last,
 * or one that ends an epoch of the convergence check). A snapshot is also the
 * point a restarted stage continues from, so {@code everyNanos} bounds the work a fault costs.
 */
record SnapshotPolicy(boolean everyRound, long everyIterations, long everyNanos) implements Serializable {

    boolean due(long lastStep, long step, long lastNanos, long now, boolean phaseEnd) {
        return phaseEnd || everyRound
                || everyIterations > 0 && step / everyIterations > lastStep / everyIterations
                || everyNanos > 0 && now - lastNanos >= everyNanos;
    }
}
