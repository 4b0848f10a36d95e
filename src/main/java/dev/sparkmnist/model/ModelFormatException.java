package dev.sparkmnist.model;

/** A model directory that cannot be loaded: missing files, unknown format version, wrong shapes. */
public class ModelFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
