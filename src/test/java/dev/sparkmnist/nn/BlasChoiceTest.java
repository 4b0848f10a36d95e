package dev.sparkmnist.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.testing.ChildJvm;
import dev.sparkmnist.testing.PrintBlas;
import dev.sparkmnist.testing.SyntheticDigits;

/**
 * {@code SPARK_MNIST_BLAS} chooses the BLAS the same way in every JVM. The regression this guards: a child JVM
 * started without {@code -Ddev.ludovic.netlib.blas.nativeLib} used to load netlib's default {@code libblas.so.3}
 * (the slow reference BLAS that numpy's packages install) while its parent ran the Java BLAS, so a driver killed
 * and resumed in another JVM ended a few ulps away from a straight run.
 */
class BlasChoiceTest {
    @TempDir
    Path tmp;

    /** What a fresh JVM with {@code env} and no netlib flag reports, or its log when it fails. */
    private String childBlas(Map<String, String> env) throws Exception {
        Path log = tmp.resolve("child-" + env.hashCode() + ".log");
        try (ChildJvm child = ChildJvm.start(log, Map.of(), env, PrintBlas.class.getName())) {
            assertEquals(0, child.waitFor(60), child.tail());
        }
        return Files.readAllLines(log).stream().filter(l -> l.startsWith("BLAS=")).findFirst()
                .map(l -> l.substring(5)).orElseThrow(() -> new AssertionError("no BLAS line in " + log));
    }

    @Test
    void aChildJvmWithoutNetlibFlagsRunsTheSameBlasAsThisOne() throws Exception {
        String mine = Blas.describe();
        String env = System.getenv(Blas.ENV);
        String child = childBlas(env == null ? Map.of() : Map.of(Blas.ENV, env));
        System.out.println("this JVM: " + mine + "; child JVM without netlib flags: " + child);
        assertEquals(mine, child);
    }

    @Test
    void javaForcesTheJavaBlasEvenWhereOpenBlasLoads() throws Exception {
        String child = childBlas(Map.of(Blas.ENV, "java"));
        System.out.println("SPARK_MNIST_BLAS=java: " + child);
        assertFalse(child.startsWith("JNI"), child);
        assertTrue(child.endsWith(Blas.ENV + "=java)"), child);
    }

    @Test
    void nativeRequiresOpenBlasWithOneClearError() throws Exception {
        Path data = SyntheticDigits.writeMnistLike(Files.createDirectory(tmp.resolve("data")), 200, 50, false, 1);
        Path log = tmp.resolve("native.log");
        Path out = tmp.resolve("model");
        int code;
        try (ChildJvm child = ChildJvm.start(log, Map.of("spark.master", "local[1]", "spark.ui.enabled", "false"),
                Map.of(Blas.ENV, "native"), "dev.sparkmnist.cli.Main", "train", "--data-dir", data.toString(),
                "--out", out.toString(), "--hidden", "8", "--iterations", "20", "--batch-size", "20")) {
            code = child.waitFor(120);
        }
        String text = Files.readString(log);
        if (openBlasLoads()) {
            System.out.println("OpenBLAS loads here: SPARK_MNIST_BLAS=native trains on it");
            assertEquals(0, code, text);
            assertTrue(text.contains("BLAS on the driver: JNIBLAS"), text);
        } else {
            System.out.println("OpenBLAS is absent here: SPARK_MNIST_BLAS=native must refuse to run");
            assertEquals(ExitCodes.BAD_INPUT, code, text);
            assertTrue(text.contains("SPARK_MNIST_BLAS=native, but native OpenBLAS (libopenblas.so.0) could not be "
                    + "loaded"), text);
            assertFalse(Files.exists(out), "no model when the BLAS is refused");
        }
    }

    /** Whether native OpenBLAS loads in this JVM, whatever {@value Blas#ENV} chose for it. */
    private static boolean openBlasLoads() {
        Blas.describe(); // names libopenblas.so.0 for netlib first
        try {
            return dev.ludovic.netlib.blas.NativeBLAS.getInstance() != null;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Test
    void anUnknownChoiceIsRefusedNamingTheVariable() {
        BlasUnavailableException e = assertThrows(BlasUnavailableException.class, () -> Blas.Choice.parse("fast"));
        assertTrue(e.getMessage().contains("SPARK_MNIST_BLAS=fast") && e.getMessage().contains("auto, java or native"),
                e.getMessage());
        assertEquals(Blas.Choice.AUTO, Blas.Choice.parse(" "));
        assertEquals(Blas.Choice.JAVA, Blas.Choice.parse("Java"));
        assertNotEquals(Blas.Choice.AUTO, Blas.Choice.parse("native"));
    }
}
