package dev.sparkmnist.testing;

import dev.sparkmnist.nn.Blas;

/** Prints this JVM's {@link Blas#describe()} on one line prefixed {@code BLAS=}: what a child JVM would compute on. */
public final class PrintBlas {
    private PrintBlas() {
    }

    public static void main(String[] args) {
        System.out.println("BLAS=" + Blas.describe());
    }
}
