package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Every command's help renders cleanly: picocli warns on stderr when a description holds an unescaped {@code %}. */
class HelpTextTest {
    @Test
    void helpOfEveryCommandPrintsNoPicocliWarning() {
        for (String command : new String[] {"train", "evaluate", "fetch", "show", "retrain", "registry", "generate"}) {
            PrintStream savedOut = System.out;
            PrintStream savedErr = System.err;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code;
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                System.setOut(o);
                System.setErr(e);
                code = Main.run(command, "--help");
            } finally {
                System.setOut(savedOut);
                System.setErr(savedErr);
            }
            String text = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, command + " --help: " + text);
            assertFalse(text.contains("WARN"), command + " --help warns: " + text);
            assertTrue(text.contains("Usage:"), text);
            if (command.equals("train")) {
                assertTrue(text.contains(">= 98% test accuracy"), text);
            }
        }
    }
}
