package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** A failure that is not bad input prints one line with its root cause; the stack trace only with --verbose. */
class ErrorReporterTest {
    @Test
    void oneLineUnlessVerbose() {
        Exception failure = new IllegalStateException("job aborted", new IOException("disk full"));
        String quiet = report(false, failure);
        assertEquals(1, quiet.lines().count(), quiet);
        assertTrue(quiet.contains("job aborted") && quiet.contains("disk full") && quiet.contains("--verbose"), quiet);
        String verbose = report(true, failure);
        assertTrue(verbose.lines().anyMatch(l -> l.startsWith("\tat ")), "the stack trace with --verbose");
        assertTrue(verbose.lines().reduce((a, b) -> b).orElse("").startsWith("error: "), "cause line last");
        assertFalse(verbose.contains("(--verbose"), verbose);
    }

    @Test
    void verboseIsAcceptedAfterACommand() {
        assertEquals(0, Main.run("train", "--help", "--verbose"));
    }

    private static String report(boolean verbose, Exception e) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(out, true));
        assertEquals(ExitCodes.FAILURE, new ErrorReporter(verbose).handleExecutionException(e, cli, null));
        return out.toString();
    }
}
