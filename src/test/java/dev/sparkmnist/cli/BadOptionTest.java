package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.sparkmnist.testing.CliRun;

/**
 * A command line that does not parse (a value that is not a number, an unknown option, a missing value) ends with
 * exit code 2 and two lines: the reason, naming the option, and where the help is; not picocli's whole usage text,
 * which pushed the reason off the screen.
 */
class BadOptionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "train --lr abc | --lr | train",
            "train --partitions 2x | --partitions | train",
            "train --no-such-option | --no-such-option | train",
            "evaluate --model | --model | evaluate",
            "--no-such-option | --no-such-option | ''"})
    void oneReasonAndWhereTheHelpIs(String commandLine, String option, String command) {
        CliRun run = CliRun.of(commandLine.split(" "));
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.stderr());
        List<String> lines = run.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(2, lines.size(), "two lines: " + run.stderr());
        assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains(option), lines.get(0));
        assertEquals("see: " + (command.isEmpty() ? "" : command + " ") + "--help", lines.get(1));
    }
}
