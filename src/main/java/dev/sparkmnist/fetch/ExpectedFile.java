package dev.sparkmnist.fetch;

import dev.sparkmnist.idx.IdxKind;

/**
 * One file a fetch must deliver: its MNIST name (without {@code .gz}), what kind of IDX file it is, and the
 * SHA-256 of its uncompressed content. The sum is what makes a download trustworthy whichever source it came from.
 */
public record ExpectedFile(String name, IdxKind kind, String sha256) {
}
