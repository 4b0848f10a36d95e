package dev.sparkmnist.train;

/** The loss or a weight became NaN or infinite; training stops at once and nothing is published. */
public class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
