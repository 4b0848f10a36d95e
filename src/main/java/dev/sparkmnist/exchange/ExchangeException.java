package dev.sparkmnist.exchange;

/** An exchange that cannot go on: a peer that stopped answering, went away or could not be reached. */
public final class ExchangeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ExchangeException(String message) {
        super(message);
    }

    public ExchangeException(String message, Throwable cause) {
        super(message, cause);
    }
}
