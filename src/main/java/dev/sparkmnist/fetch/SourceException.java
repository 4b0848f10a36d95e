package dev.sparkmnist.fetch;

/**
 * A source could not deliver a file. {@code sourceDown} means the source as a whole is out of reach (host not
 * found, npm missing, archive absent), so the fetcher does not ask it for the remaining files.
 */
public final class SourceException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean sourceDown;

    public SourceException(String message, boolean sourceDown) {
        super(message);
        this.sourceDown = sourceDown;
    }

    public SourceException(String message, boolean sourceDown, Throwable cause) {
        super(message, cause);
        this.sourceDown = sourceDown;
    }

    public boolean sourceDown() {
        return sourceDown;
    }
}
