package dev.sparkmnist.train;

/** A hyperparameter or setting that makes no sense; the message names the option and the value given. */
public class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidConfigException(String message) {
        super(message);
    }
}
