package dev.sparkmnist.fetch;

/**
 * No combination of sources produced all the files, or an existing file is not MNIST. The message is meant for
 * the user as is: every source tried, why each failed, and how to put the files in place by hand.
 */
public final class FetchFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FetchFailedException(String message) {
        super(message);
    }
}
