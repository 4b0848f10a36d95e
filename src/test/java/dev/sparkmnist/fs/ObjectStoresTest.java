package dev.sparkmnist.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Which paths get the object-store warning, and that each is warned about once. */
class ObjectStoresTest {
    @Test
    void objectStoresWithCopyingRenameAreWarnedAboutOnce() {
        assertTrue(ObjectStores.renameIsCopy("s3a://bucket/registry"));
        assertTrue(ObjectStores.renameIsCopy("GS://bucket/models/m"));
        assertFalse(ObjectStores.renameIsCopy("hdfs://nn:8020/registry"));
        assertFalse(ObjectStores.renameIsCopy("hdfs:///registry"));
        assertFalse(ObjectStores.renameIsCopy("/data/registry"));
        assertFalse(ObjectStores.renameIsCopy("relative/models"));

        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            String path = "s3a://bucket/once-" + System.nanoTime();
            ObjectStores.warnIfRenameIsCopy(path, "registry");
            String first = err.toString(StandardCharsets.UTF_8);
            ObjectStores.warnIfRenameIsCopy(path, "registry");
            assertEquals(first, err.toString(StandardCharsets.UTF_8), "once per path");
            ObjectStores.warnIfRenameIsCopy("hdfs://nn:8020/registry", "registry");
            assertEquals(first, err.toString(StandardCharsets.UTF_8), "no warning for HDFS");
            assertTrue(first.startsWith("warning: registry s3a://bucket/once-") && first.contains("not atomic"),
                    first);
        } finally {
            System.setErr(saved);
        }
    }
}
