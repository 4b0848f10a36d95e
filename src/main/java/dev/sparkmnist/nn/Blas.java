package dev.sparkmnist.nn;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The one netlib BLAS instance the math uses, and a human-readable name of what was loaded: native OpenBLAS (JNI),
 * the Java Vector API, or the slow pure-Java F2J fallback. Logged on the driver and on executors.
 */
public final class Blas {
    private static final BLAS INSTANCE = BLAS.getInstance();

    private Blas() {
    }

    public static BLAS get() {
        return INSTANCE;
    }

    /** The implementation class, e.g. {@code JNIBLAS}, {@code VectorBLAS} or {@code F2jBLAS}. */
    public static String implementation() {
        return INSTANCE.getClass().getSimpleName();
    }

    /** True when only the slow scalar pure-Java fallback is available. */
    public static boolean isSlowFallback() {
        return implementation().startsWith("F2j") || implementation().startsWith("Java8");
    }
}
