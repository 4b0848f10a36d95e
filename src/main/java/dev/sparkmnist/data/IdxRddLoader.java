package dev.sparkmnist.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.idx.IdxHeader;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;

/**
 * Turns an images/labels IDX pair into a cached RDD of {@link ImageBlock}s, one block per partition.
 *
 * <p>The driver reads only the headers and the (small) labels file, validates them, and hands each partition a
 * record range with its labels; each executor then reads its own range of the images file. An uncompressed file is
 * read with a seek; a gzipped one cannot be split, so each partition decompresses from the start and skips to its
 * range. Because the blocks are derived from the files, a block lost with an executor is simply re-read.
 */
public final class IdxRddLoader {
    private static final Logger LOG = LoggerFactory.getLogger(IdxRddLoader.class);

    private IdxRddLoader() {
    }

    /** Validates the pair and returns its cached, not yet materialised, RDD. */
    public static LoadedSet load(JavaSparkContext sc, MnistFiles.Split split, int partitions) {
        return load(sc, split, partitions, 0, -1);
    }

    /**
     * As {@link #load(JavaSparkContext, MnistFiles.Split, int)}, only the {@code count} records from {@code first}
     * on ({@code count} -1: to the end); blocks keep the records' numbers in the file.
     */
    public static LoadedSet load(JavaSparkContext sc, MnistFiles.Split split, int partitions, int first, int count) {
        IdxHeader images = IdxReader.readHeader(split.images(), IdxKind.IMAGES);
        byte[] all = readLabels(split.labels(), images);
        int n = count < 0 ? all.length - first : count;
        if (first < 0 || n < 1 || first + n > all.length) {
            throw new IllegalArgumentException(split.images() + ": records " + first + ".." + (first + n)
                    + " are not within its " + all.length + " records");
        }
        byte[] labels = n == all.length ? all : Arrays.copyOfRange(all, first, first + n);
        JavaRDD<ImageBlock> blocks = blocks(sc, images, first, labels, partitions)
                .persist(StorageLevel.MEMORY_ONLY());
        LOG.info("{}: {} images of {}x{}{}, {} partitions", split.images() + (n == all.length ? ""
                        : " records " + first + ".." + (first + n)), labels.length, images.rows(),
                images.cols(), images.gzipped() ? " (gzipped: each partition decompresses and skips to its range)" : "",
                blocks.getNumPartitions());
        return new LoadedSet(blocks, images, labels.length, labels);
    }

    /** Reads and checks the labels of a labels file that must describe as many records as {@code images}. */
    public static byte[] readLabels(String labelsPath, IdxHeader images) {
        IdxHeader labelsHeader = IdxReader.readHeader(labelsPath, IdxKind.LABELS);
        IdxReader.requireSameCount(images, labelsHeader);
        return IdxReader.readLabels(labelsHeader);
    }

    /**
     * The RDD (not cached) of an images file whose header has been validated, in at most {@code partitions}
     * blocks of consecutive records, block {@code i} carrying {@code labels} of its records. Callers without labels
     * pass zeros.
     */
    public static JavaRDD<ImageBlock> blocks(JavaSparkContext sc, IdxHeader images, byte[] labels, int partitions) {
        return blocks(sc, images, 0, labels, partitions);
    }

    private static JavaRDD<ImageBlock> blocks(JavaSparkContext sc, IdxHeader images, int offset, byte[] labels,
                                              int partitions) {
        int n = labels.length;
        int p = Math.max(1, Math.min(partitions, n));
        List<RecordRange> ranges = new ArrayList<>(p);
        for (int i = 0; i < p; i++) {
            int from = (int) ((long) n * i / p);
            int to = (int) ((long) n * (i + 1) / p);
            ranges.add(new RecordRange(images, offset + from, to - from, Arrays.copyOfRange(labels, from, to)));
        }
        return sc.parallelize(ranges, p)
                .mapPartitions(IdxRddLoader::readRanges)
                .setName("mnist blocks " + images.path());
    }

    private static Iterator<ImageBlock> readRanges(Iterator<RecordRange> it) {
        List<ImageBlock> out = new ArrayList<>(1);
        while (it.hasNext()) {
            RecordRange r = it.next();
            byte[] pixels = IdxReader.readRecords(r.images(), r.first(), r.count());
            out.add(new ImageBlock(r.first(), r.count(), r.images().recordBytes(), pixels, r.labels()));
        }
        return out.iterator();
    }

    /** What one partition reads: records {@code first .. first+count} of the images file, with their labels. */
    record RecordRange(IdxHeader images, long first, int count, byte[] labels) implements java.io.Serializable {
    }

    /**
     * A loaded split: the cached blocks, the images header, the record count and all labels (kept on the driver
     * for reports; one byte per record).
     */
    public record LoadedSet(JavaRDD<ImageBlock> blocks, IdxHeader images, int count, byte[] labels) {
        /** Pixels per image (784 for MNIST). */
        public int pixelsPerImage() {
            return images.recordBytes();
        }
    }
}
