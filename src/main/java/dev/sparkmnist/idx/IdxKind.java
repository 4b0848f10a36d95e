package dev.sparkmnist.idx;

/** The two kinds of IDX file MNIST uses, with their magic numbers and header sizes. */
public enum IdxKind {
    /** Unsigned-byte images: magic 2051, then count, rows, columns. */
    IMAGES(0x00000803, 16),
    /** Unsigned-byte labels: magic 2049, then count. */
    LABELS(0x00000801, 8);

    private final int magic;
    private final int headerBytes;

    IdxKind(int magic, int headerBytes) {
        this.magic = magic;
        this.headerBytes = headerBytes;
    }

    public int magic() {
        return magic;
    }

    public int headerBytes() {
        return headerBytes;
    }
}
