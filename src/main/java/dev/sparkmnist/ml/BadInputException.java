package dev.sparkmnist.ml;

import dev.sparkmnist.train.InvalidConfigException;

/**
 * A DataFrame, column, row or image file that the Spark ML API cannot use; the message names the column (by its
 * param, such as {@code featuresCol 'features'}) or the file. A subtype of {@link InvalidConfigException}, hence of
 * {@link IllegalArgumentException} as spark.ml's own checks throw, so the command line reports it as bad input
 * (exit code 2).
 */
public final class BadInputException extends InvalidConfigException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    /**
     * The first {@link BadInputException} in {@code e}'s cause chain (Spark wraps a task's exception in its own), or
     * {@code e} itself when there is none, for callers that rethrow it.
     */
    public static RuntimeException unwrap(RuntimeException e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof InvalidConfigException bad) {
                return bad;
            }
        }
        return e;
    }
}
