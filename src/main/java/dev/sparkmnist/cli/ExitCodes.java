package dev.sparkmnist.cli;

/** Process exit codes, documented in the README so schedulers can act on them. */
public final class ExitCodes {
    /** The command did what it was asked. */
    public static final int OK = 0;
    /** Something failed that is not the user's input (I/O, Spark, a bug). */
    public static final int FAILURE = 1;
    /** Bad input: unknown option, nonsense hyperparameter, missing or malformed data or model file. */
    public static final int BAD_INPUT = 2;
    /** Training diverged (loss or weights NaN/infinite); nothing was published. */
    public static final int DIVERGED = 3;
    /** The data could not be fetched from any source (or an existing file is not MNIST); nothing was written. */
    public static final int FETCH_FAILED = 4;
    /** {@code retrain}: the new model failed the quality gate; it is kept as a rejected version, current unchanged. */
    public static final int GATE_REFUSED = 5;
    /** {@code retrain}, {@code registry rollback}: another run holds the registry's lock; try again later. */
    public static final int REGISTRY_BUSY = 6;
    /**
     * {@code retrain}: a version with the same data, configuration and parent exists; nothing was trained. 99 is
     * what Airflow's BashOperator treats as "skipped" by default.
     */
    public static final int NOTHING_TO_DO = 99;

    private ExitCodes() {
    }

    /** The constant's name for {@code code} ({@code GATE_REFUSED} for 5), or {@code EXIT_n} for another code. */
    public static String name(int code) {
        for (java.lang.reflect.Field f : ExitCodes.class.getFields()) {
            try {
                if (f.getType() == int.class && f.getInt(null) == code) {
                    return f.getName();
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return "EXIT_" + code;
    }
}
