package dev.sparkmnist.train;

/** How the learning rate moves within one phase: held constant (the notebook) or cosine-annealed towards zero. */
public enum LearningRateSchedule {
    CONSTANT,
    COSINE;

    /** The learning rate for step {@code step} (0-based) of a phase of {@code steps} steps starting at {@code lr}. */
    public double at(double lr, long step, long steps) {
        return switch (this) {
            case CONSTANT -> lr;
            case COSINE -> lr * 0.5 * (1 + Math.cos(Math.PI * Math.min(step, steps) / (double) steps));
        };
    }
}
