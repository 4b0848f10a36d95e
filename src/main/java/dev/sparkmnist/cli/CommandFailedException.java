package dev.sparkmnist.cli;

/**
 * Ends a command that failed in cluster deploy mode, where the driver must not call {@code System.exit}: on YARN
 * that stops the ApplicationMaster before it reports, so YARN records FAILED and starts a second attempt even
 * after a success. Thrown out of {@code main} instead, it makes Spark record the run as FAILED, once, with this
 * message (and the command's exit code) in the driver's log.
 */
public final class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CommandFailedException(int exitCode) {
        super("spark-mnist failed with exit code " + exitCode + " (" + ExitCodes.name(exitCode) + ")");
        this.exitCode = exitCode;
    }

    /** The exit code the command would have ended with in client mode. */
    public int exitCode() {
        return exitCode;
    }
}
