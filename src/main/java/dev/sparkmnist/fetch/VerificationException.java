package dev.sparkmnist.fetch;

/** A file's content is not the MNIST file it claims to be: wrong checksum or a bad IDX header. */
public final class VerificationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
