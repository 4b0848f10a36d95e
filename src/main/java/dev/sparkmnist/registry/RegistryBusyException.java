package dev.sparkmnist.registry;

/** Another run holds the registry's lock (and it has not expired) longer than this run was willing to wait. */
public class RegistryBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistryBusyException(String message) {
        super(message);
    }
}
