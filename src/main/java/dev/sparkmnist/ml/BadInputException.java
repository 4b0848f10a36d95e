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
     * Rethrows, from a failed Spark action, the first {@link InvalidConfigException} (such as a
     * {@code BadInputException}) in {@code e}'s cause chain (Spark wraps a task's exception in its own), so the
     * caller sees one clear error; {@code e} itself, unchanged, when there is none. Use as
     * {@code throw BadInputException.unwrap(e)}.
     */
    public static RuntimeException unwrap(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof InvalidConfigException bad) {
                return bad;
            }
        }
        return BadInputException.<RuntimeException>rethrow(e);
    }

    /** Throws {@code e} as it is, checked or not (Spark's SparkException is checked but undeclared). */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException rethrow(Throwable e) throws E {
        throw (E) e;
    }
}
