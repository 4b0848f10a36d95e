package dev.sparkmnist.augment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.fs.HadoopConf;
import dev.sparkmnist.idx.IdxHeader;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;
import dev.sparkmnist.idx.IdxWriter;

/**
 * Writes a larger MNIST training set: the source training images first, unchanged, then randomly distorted copies
 * of them ({@link Distortion}) until {@code count} records, as an IDX pair under the standard names in any Hadoop
 * directory. The test pair is copied alongside, so the directory is a complete data directory for
 * {@code train --data-dir}. Record {@code i} depends only on the seed and {@code i}, so the output is the same
 * byte for byte on every run, however the work is split among threads.
 */
public final class AugmentedMnist {
    private AugmentedMnist() {
    }

    /** What was written. */
    public record Summary(String images, String labels, int count, int originals) {
    }

    /** Generates {@code count} training records from the MNIST files in {@code sourceDir} into {@code outDir}. */
    public static Summary generate(String sourceDir, String outDir, int count, long seed, Distortion distortion) {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be at least 1, got " + count);
        }
        MnistFiles.Split train = MnistFiles.train(sourceDir);
        IdxHeader imagesHeader = IdxReader.readHeader(train.images(), IdxKind.IMAGES);
        IdxHeader labelsHeader = IdxReader.readHeader(train.labels(), IdxKind.LABELS);
        IdxReader.requireSameCount(imagesHeader, labelsHeader);
        byte[] sourceLabels = IdxReader.readLabels(labelsHeader);
        int n = sourceLabels.length;
        byte[] source = IdxReader.readRecords(imagesHeader, 0, n);
        int rows = imagesHeader.rows();
        int cols = imagesHeader.cols();
        int d = rows * cols;

        String images = new Path(outDir, MnistFiles.TRAIN_IMAGES).toString();
        String labels = new Path(outDir, MnistFiles.TRAIN_LABELS).toString();
        byte[] outLabels = new byte[count];
        for (int i = 0; i < count; i++) {
            outLabels[i] = sourceLabels[i % n];
        }
        IdxWriter.writeImages(images, count, rows, cols, false, (first, len, out) ->
                IntStream.range(0, len).parallel().forEach(j -> {
                    int record = first + j;
                    int from = (record % n) * d;
                    if (record < n) {
                        System.arraycopy(source, from, out, j * d, d);
                    } else {
                        double[] field = new double[2 * distortion.elasticGrid() * distortion.elasticGrid()];
                        distortion.apply(source, from, rows, cols, recordRandom(seed, record), field, out, j * d);
                    }
                }));
        IdxWriter.writeLabels(labels, outLabels, false);
        copyTestSet(sourceDir, outDir);
        return new Summary(images, labels, count, Math.min(n, count));
    }

    /** The generator for record {@code i}: a pure function of (seed, i). */
    static SplittableRandom recordRandom(long seed, long record) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + record * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL);
    }

    private static void copyTestSet(String sourceDir, String outDir) {
        MnistFiles.Split test = MnistFiles.test(sourceDir);
        Configuration conf = HadoopConf.get();
        try {
            for (String f : new String[] {test.images(), test.labels()}) {
                Path from = new Path(f);
                Path to = new Path(outDir, from.getName());
                Path tmp = new Path(outDir, "." + from.getName() + ".tmp");
                FileSystem fs = to.getFileSystem(conf);
                FileUtil.copy(from.getFileSystem(conf), from, fs, tmp, false, true, conf);
                fs.delete(to, false);
                if (!fs.rename(tmp, to)) {
                    throw new IOException("rename " + tmp + " -> " + to + " failed");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(outDir + ": cannot copy the test set: " + e.getMessage(), e);
        }
    }
}
