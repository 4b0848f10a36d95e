package dev.sparkmnist.cli;

import java.io.UncheckedIOException;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.fetch.FetchFailedException;
import dev.sparkmnist.idx.IdxFormatException;
import dev.sparkmnist.model.ModelFormatException;
import dev.sparkmnist.nn.BlasUnavailableException;
import dev.sparkmnist.train.InvalidConfigException;
import dev.sparkmnist.train.TrainingDivergedException;

/**
 * Turns a failed command into one clear line and an exit code. Spark wraps a task's exception in its own, so the
 * cause chain is searched for the error that names the file or option. A failure that is not the user's input
 * (exit code 1) gets one line too, with its root cause; its stack trace only with {@code --verbose}.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
    private final boolean verbose;

    /** With {@code verbose}, a failure that is not bad input also prints its stack trace. */
    ErrorReporter(boolean verbose) {
        this.verbose = verbose;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parsed) {
        Throwable cause = userError(ex);
        if (cause instanceof FetchFailedException) {
            cli.getErr().println("error: " + cause.getMessage());
            return ExitCodes.FETCH_FAILED;
        }
        if (cause instanceof TrainingDivergedException) {
            cli.getErr().println("error: " + cause.getMessage());
            return ExitCodes.DIVERGED;
        }
        if (cause != null) {
            cli.getErr().println("error: " + cause.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        if (verbose) {
            ex.printStackTrace(cli.getErr());
        }
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        cli.getErr().println("error: " + (root == ex ? ex : ex + "; cause: " + root)
                + (verbose ? "" : " (--verbose prints the stack trace)"));
        return ExitCodes.FAILURE;
    }

    /** The first exception in the chain that describes bad input, or null. */
    static Throwable userError(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof IdxFormatException || t instanceof InvalidConfigException
                    || t instanceof MnistFiles.MissingDataException || t instanceof ModelFormatException
                    || t instanceof TrainingDivergedException || t instanceof FetchFailedException
                    || t instanceof BlasUnavailableException
                    || (t instanceof UncheckedIOException && t.getMessage() != null)) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
