package dev.sparkmnist.fetch;

import java.io.UncheckedIOException;

import dev.sparkmnist.data.ContentDigest;
import dev.sparkmnist.idx.IdxFormatException;
import dev.sparkmnist.idx.IdxHeader;
import dev.sparkmnist.idx.IdxReader;

/**
 * Decides whether a file is the MNIST file expected: a valid IDX header of the right kind whose length matches
 * (for plain files), and the SHA-256 of the uncompressed content equal to the known sum.
 */
public final class Verifier {
    private Verifier() {
    }

    /** Returns the header when {@code path} (plain or gzipped, any Hadoop path) is {@code expected}. */
    public static IdxHeader verify(String path, ExpectedFile expected) {
        IdxHeader header;
        String actual;
        try {
            header = IdxReader.readHeader(path, expected.kind());
            actual = ContentDigest.sha256Uncompressed(path);
        } catch (IdxFormatException | UncheckedIOException e) {
            throw new VerificationException(e.getMessage(), e);
        }
        if (!actual.equalsIgnoreCase(expected.sha256())) {
            throw new VerificationException(String.format(
                    "%s: SHA-256 of the uncompressed content is %s, expected %s for %s",
                    path, actual, expected.sha256(), expected.name()), null);
        }
        return header;
    }
}
