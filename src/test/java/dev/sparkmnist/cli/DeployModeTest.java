package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the program ends in each deploy mode (issue 29): the exit code in client mode; in cluster mode a normal
 * return on success and an exception carrying the code on failure, never {@code System.exit} (which on YARN makes
 * the ApplicationMaster record FAILED and retry). And {@code retrain --status-file}, the outcome a scheduler reads
 * when the exit code does not reach it.
 */
class DeployModeTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clearMode() {
        System.clearProperty(DeployMode.PROPERTY);
    }

    @Test
    void clientModeExitsWithTheCommandsCode() {
        List<Integer> exits = new ArrayList<>();
        DeployMode.end(ExitCodes.GATE_REFUSED, false, exits::add);
        DeployMode.end(ExitCodes.OK, false, exits::add);
        assertEquals(List.of(ExitCodes.GATE_REFUSED, ExitCodes.OK), exits);
    }

    @Test
    void clusterModeReturnsOnSuccessAndThrowsTheCodeOnFailure() {
        List<Integer> exits = new ArrayList<>();
        DeployMode.end(ExitCodes.OK, true, exits::add);
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> DeployMode.end(ExitCodes.NOTHING_TO_DO, true, exits::add));
        assertEquals(ExitCodes.NOTHING_TO_DO, e.exitCode());
        assertTrue(e.getMessage().contains("exit code 99 (NOTHING_TO_DO)"), e.getMessage());
        assertEquals(List.of(), exits, "System.exit is never called in cluster mode");
    }

    @Test
    void mainInClusterModeDoesNotExit() {
        System.setProperty(DeployMode.PROPERTY, "cluster");
        Main.main(new String[] {"--version"}); // would end this JVM through System.exit in client mode
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> Main.main(new String[] {"train", "--no-such-option"}));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
    }

    @Test
    void retrainWritesItsOutcomeToTheStatusFile() throws Exception {
        Path status = tmp.resolve("status/retrain.status");
        int code = Main.run("retrain", "--registry", tmp.resolve("registry").toString(), "--data-dir",
                tmp.resolve("no-data").toString(), "--status-file", status.toString());
        assertEquals(ExitCodes.BAD_INPUT, code);
        String line = Files.readString(status);
        assertTrue(line.matches("exit=2 outcome=BAD_INPUT command=retrain time=\\S+Z\n"), line);
        try (var left = Files.list(status.getParent())) {
            assertEquals(1, left.count(), "no temporary file left beside the status file");
        }
    }

    @Test
    void statusLineNamesEveryDocumentedCode() {
        Instant t = Instant.parse("2026-12-04T20:00:00.123Z");
        assertEquals("exit=5 outcome=GATE_REFUSED command=retrain time=2026-12-04T20:00:00Z\n",
                StatusFile.line(ExitCodes.GATE_REFUSED, "retrain", t));
        assertTrue(StatusFile.line(ExitCodes.REGISTRY_BUSY, "retrain", t).contains("outcome=REGISTRY_BUSY"));
        assertTrue(StatusFile.line(ExitCodes.NOTHING_TO_DO, "retrain", t).contains("outcome=NOTHING_TO_DO"));
        assertTrue(StatusFile.line(42, "retrain", t).contains("exit=42 outcome=EXIT_42"));
        assertFalse(StatusFile.line(ExitCodes.OK, "retrain", t).contains("RUNNING"));
    }
}
