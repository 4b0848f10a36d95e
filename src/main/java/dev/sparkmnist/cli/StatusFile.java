package dev.sparkmnist.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import picocli.CommandLine.ParseResult;

import dev.sparkmnist.fs.UserFiles;

/**
 * {@code retrain --status-file}: the run's outcome as one line on any Hadoop path, for schedulers that cannot see
 * the exit code. In YARN cluster mode spark-submit's own exit code only says whether the application SUCCEEDED
 * (0) or FAILED (1), so 5 (gate refused), 6 (registry busy) and 99 (nothing to do) would be lost. The line is
 * {@code exit=N outcome=NAME command=retrain time=ISO-8601}; while the run is going it is
 * {@code outcome=RUNNING} with no {@code exit=}, so a driver that died without a word is told apart from a stale
 * result of an earlier run. Written through {@link UserFiles} (write, then rename).
 */
final class StatusFile {
    /** The option's name, on the commands that have it. */
    static final String OPTION = "--status-file";

    private StatusFile() {
    }

    /** The line for a finished run. */
    static String line(int exitCode, String command, Instant time) {
        return "exit=" + exitCode + " outcome=" + ExitCodes.name(exitCode) + " command=" + command + " time="
                + time.truncatedTo(ChronoUnit.SECONDS) + "\n";
    }

    /** Marks a run as started (replacing an earlier run's outcome); no-op when {@code path} is null. */
    static void running(String path, String command) {
        if (path != null) {
            UserFiles.write(path, ("outcome=RUNNING command=" + command + " time="
                    + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * After a command ran: when it was given {@code --status-file}, writes its outcome there. A status file that
     * cannot be written is reported on {@code err}; the exit code stays the command's.
     */
    static void recordOutcome(ParseResult parsed, int exitCode, PrintWriter err) {
        ParseResult leaf = parsed;
        while (leaf != null && leaf.subcommand() != null) {
            leaf = leaf.subcommand();
        }
        if (leaf == null || !leaf.hasMatchedOption(OPTION)) {
            return;
        }
        String path = leaf.matchedOptionValue(OPTION, (String) null);
        try {
            UserFiles.write(path, line(exitCode, leaf.commandSpec().name(), Instant.now())
                    .getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            err.println("error: " + OPTION + " " + path + ": " + e.getMessage());
        }
    }
}
