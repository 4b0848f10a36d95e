package dev.sparkmnist.nn;

/**
 * The BLAS asked for with {@code SPARK_MNIST_BLAS} cannot be had in this JVM (native OpenBLAS is absent, or the
 * value is not a choice). A user's setting, reported as bad input with the variable named.
 */
public final class BlasUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public BlasUnavailableException(String message) {
        super(message);
    }
}
