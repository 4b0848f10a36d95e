package dev.sparkmnist.idx;

import java.io.Serializable;

/**
 * What an IDX file's header says, plus whether the file is gzip-compressed. For label files {@code rows} and
 * {@code cols} are 1, so {@link #recordBytes()} is the size of one record either way.
 */
public record IdxHeader(String path, IdxKind kind, long count, int rows, int cols, boolean gzipped)
        implements Serializable {

    /** Bytes of one record: rows * cols pixels for images, one byte for labels. */
    public int recordBytes() {
        return rows * cols;
    }

    /** The length an uncompressed file with this header must have. */
    public long expectedLength() {
        return kind.headerBytes() + count * recordBytes();
    }
}
