package dev.sparkmnist.idx;

/**
 * An IDX file that cannot be used: wrong magic number, impossible dimensions, truncated body, counts that do not
 * match. The message always names the file, what was expected and what was found, so it can be shown to a user as
 * it is. Unchecked so that it crosses Spark task boundaries and lambdas unchanged.
 */
public class IdxFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IdxFormatException(String message) {
        super(message);
    }

    public IdxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
