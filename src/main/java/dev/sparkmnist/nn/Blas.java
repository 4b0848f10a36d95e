package dev.sparkmnist.nn;

import java.util.Locale;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;

/**
 * The one netlib BLAS instance the math uses, chosen the same way in every JVM of a run (driver, executors, a
 * resumed driver), because bit-for-bit reproducibility holds only between JVMs that run the same BLAS: native
 * OpenBLAS and the Java BLAS round differently in the last bits.
 *
 * <p>The choice comes from the environment variable {@value #ENV}: {@code auto} (the default) takes native
 * OpenBLAS when it loads and the Java BLAS otherwise; {@code java} forces the Java BLAS (netlib's Vector API
 * implementation, or its scalar fallback without {@code --add-modules jdk.incubator.vector}); {@code native}
 * requires OpenBLAS and fails with a clear error when it is absent. The native library is
 * {@value #DEFAULT_NATIVE_LIB} unless {@code -Ddev.ludovic.netlib.blas.nativeLib} names another: netlib's own
 * default, the generic {@code libblas.so.3}, is often the slow reference BLAS that packages such as numpy pull in,
 * and a JVM started without the flag would otherwise pick a different BLAS than its siblings.
 */
public final class Blas {
    /** The environment variable that chooses the BLAS: {@code auto}, {@code java} or {@code native}. */
    public static final String ENV = "SPARK_MNIST_BLAS";
    /** netlib's system property naming the native library to load. */
    public static final String NATIVE_LIB_PROPERTY = "dev.ludovic.netlib.blas.nativeLib";
    /** The native library loaded unless {@link #NATIVE_LIB_PROPERTY} says otherwise. */
    public static final String DEFAULT_NATIVE_LIB = "libopenblas.so.0";

    private Blas() {
    }

    /** What {@value #ENV} asks for. */
    public enum Choice {
        AUTO, JAVA, NATIVE;

        /** Parses a value of {@value #ENV}; null or blank means {@link #AUTO}. */
        public static Choice parse(String value) {
            if (value == null || value.isBlank()) {
                return AUTO;
            }
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BlasUnavailableException(ENV + "=" + value + " is not a BLAS choice: use auto, java or "
                        + "native");
            }
        }
    }

    private static final class Holder {
        static final BLAS INSTANCE = load(Choice.parse(System.getenv(ENV)));
    }

    /**
     * The BLAS this JVM uses. Throws {@link BlasUnavailableException} when {@value #ENV} is not a valid choice or
     * asks for native OpenBLAS that does not load (and again on every later call, with the same message).
     */
    public static BLAS get() {
        try {
            return Holder.INSTANCE;
        } catch (ExceptionInInitializerError e) {
            throw unwrap(e);
        } catch (NoClassDefFoundError e) {
            // Later calls after a failed initialisation: report the cause again.
            throw new BlasUnavailableException(describeFailure());
        }
    }

    static BLAS load(Choice choice) {
        if (System.getProperty(NATIVE_LIB_PROPERTY) == null) {
            System.setProperty(NATIVE_LIB_PROPERTY, DEFAULT_NATIVE_LIB);
        }
        return switch (choice) {
            case JAVA -> JavaBLAS.getInstance();
            case NATIVE -> loadNative();
            case AUTO -> quietly(BLAS::getInstance);
        };
    }

    /**
     * Runs netlib's loader with its java.util.logging warnings off: in {@code auto} a missing OpenBLAS is expected,
     * and the job logs the BLAS it got itself ({@code BlasReport}); netlib would print a dlopen failure instead.
     */
    private static BLAS quietly(java.util.function.Supplier<BLAS> loader) {
        java.util.logging.Logger netlib = java.util.logging.Logger.getLogger("dev.ludovic.netlib");
        java.util.logging.Level before = netlib.getLevel();
        netlib.setLevel(java.util.logging.Level.SEVERE);
        try {
            return loader.get();
        } finally {
            netlib.setLevel(before);
        }
    }

    private static BLAS loadNative() {
        try {
            return NativeBLAS.getInstance();
        } catch (RuntimeException | LinkageError e) {
            throw new BlasUnavailableException(describeFailure());
        }
    }

    private static String describeFailure() {
        String env = System.getenv(ENV);
        if (Choice.AUTO != safeParse(env) && Choice.NATIVE != safeParse(env)) {
            return ENV + "=" + env + " is not a BLAS choice: use auto, java or native";
        }
        return ENV + "=native, but native OpenBLAS (" + System.getProperty(NATIVE_LIB_PROPERTY, DEFAULT_NATIVE_LIB)
                + ") could not be loaded: install it (Debian/Ubuntu: apt-get install libopenblas0-pthread) or set "
                + ENV + "=java (or unset it) to run on the Java BLAS";
    }

    private static Choice safeParse(String value) {
        try {
            return Choice.parse(value);
        } catch (BlasUnavailableException e) {
            return null;
        }
    }

    private static BlasUnavailableException unwrap(ExceptionInInitializerError e) {
        return e.getCause() instanceof BlasUnavailableException b ? b : new BlasUnavailableException(describeFailure());
    }

    /** The choice in force in this JVM ({@value #ENV}), for the log. */
    public static String choice() {
        Choice c = safeParse(System.getenv(ENV));
        return c == null ? String.valueOf(System.getenv(ENV)) : c.name().toLowerCase(Locale.ROOT);
    }

    /** The implementation class, e.g. {@code JNIBLAS}, {@code VectorBLAS} or {@code F2jBLAS}. */
    public static String implementation() {
        return get().getClass().getSimpleName();
    }

    /** True when the BLAS is native (JNI) code. */
    public static boolean isNative() {
        return get() instanceof NativeBLAS;
    }

    /**
     * A one-line description for the log: implementation, native library where it is native, and the choice, e.g.
     * {@code JNIBLAS (libopenblas.so.0; SPARK_MNIST_BLAS=auto)}.
     */
    public static String describe() {
        return implementation() + " (" + (isNative() ? System.getProperty(NATIVE_LIB_PROPERTY) + "; " : "")
                + ENV + "=" + choice() + ")";
    }

    /** True when only the slow scalar pure-Java fallback is available. */
    public static boolean isSlowFallback() {
        return implementation().startsWith("F2j") || implementation().startsWith("Java8");
    }
}
