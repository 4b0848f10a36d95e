package dev.sparkmnist.registry;

/**
 * A test hook: {@link Retrainer} calls it at each step of publishing, and a test makes it throw to simulate the
 * process dying there. In production it does nothing.
 */
@FunctionalInterface
interface CrashPoint {
    CrashPoint NONE = point -> { };

    void reached(String point);
}
