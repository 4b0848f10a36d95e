package dev.sparkmnist.data;

import java.io.Serializable;

/**
 * A run of consecutive MNIST records kept as raw bytes: one byte per pixel and one per label, no per-image
 * objects. This is what the training RDD caches, one or a few blocks per partition.
 *
 * @param firstRecord index of the first record in the source file
 * @param count       number of records
 * @param pixelsPerImage rows * cols
 * @param pixels      {@code count * pixelsPerImage} unsigned bytes, image after image
 * @param labels      {@code count} labels 0..K-1, one unsigned byte each
 */
public record ImageBlock(long firstRecord, int count, int pixelsPerImage, byte[] pixels, byte[] labels)
        implements Serializable {

    public ImageBlock {
        if (pixels.length != (long) count * pixelsPerImage || labels.length != count) {
            throw new IllegalArgumentException("block sizes disagree: " + count + " records, "
                    + pixels.length + " pixel bytes, " + labels.length + " labels");
        }
    }

    /** The label of record {@code i} of this block. */
    public int label(int i) {
        return labels[i] & 0xff;
    }
}
