package dev.sparkmnist.testing;

import java.nio.file.Path;
import java.util.SplittableRandom;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxWriter;

/**
 * Small generated IDX data sets for tests: each class k lights up its own horizontal band of the image (up to 10
 * classes), or its own cell of a grid of bands and columns (more classes), plus noise, so a network separates them
 * easily. Deterministic from a seed.
 */
public final class SyntheticDigits {
    private SyntheticDigits() {
    }

    /** {@code count} images of {@code side x side} pixels, back to back. */
    public static byte[] images(byte[] labels, int side, long seed) {
        return images(labels, side, seed, 10);
    }

    /** As {@link #images(byte[], int, long)} for labels of {@code classes} classes. */
    public static byte[] images(byte[] labels, int side, long seed, int classes) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = side * side;
        int grid = classes <= 10 ? 1 : (int) Math.ceil(Math.sqrt(classes));
        byte[] pixels = new byte[labels.length * d];
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i] & 0xff;
            int bands = classes <= 10 ? 10 : grid;
            int band = (classes <= 10 ? label : label % grid) * side / bands;
            int column = classes <= 10 ? 0 : (label / grid) * side / grid;
            for (int p = 0; p < d; p++) {
                int row = p / side;
                int col = p % side;
                boolean lit = row >= band && row < band + Math.max(1, side / bands)
                        && (classes <= 10 || col >= column && col < column + side / grid);
                int v = lit ? 180 + r.nextInt(76) : r.nextInt(60);
                pixels[i * d + p] = (byte) v;
            }
        }
        return pixels;
    }

    /** Random labels 0..9. */
    public static byte[] labels(int count, long seed) {
        return labels(count, seed, 10);
    }

    /** Random labels 0..classes-1. */
    public static byte[] labels(int count, long seed, int classes) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) r.nextInt(classes);
        }
        return labels;
    }

    /**
     * Writes the four MNIST-named files (train and test) into {@code dir}, 28x28 images.
     *
     * @return {@code dir}
     */
    public static Path writeMnistLike(Path dir, int trainCount, int testCount, boolean gzip, long seed) {
        return writeClasses(dir, trainCount, testCount, gzip, seed, 10);
    }

    /**
     * As {@link #writeMnistLike}, with labels of {@code classes} classes.
     *
     * @return {@code dir}
     */
    public static Path writeClasses(Path dir, int trainCount, int testCount, boolean gzip, long seed, int classes) {
        byte[] trainLabels = labels(trainCount, seed, classes);
        byte[] testLabels = labels(testCount, seed + 1, classes);
        String suffix = gzip ? ".gz" : "";
        IdxWriter.writeImages(dir.resolve(MnistFiles.TRAIN_IMAGES + suffix).toString(),
                images(trainLabels, 28, seed, classes), trainCount, 28, 28, gzip);
        IdxWriter.writeLabels(dir.resolve(MnistFiles.TRAIN_LABELS + suffix).toString(), trainLabels, gzip);
        IdxWriter.writeImages(dir.resolve(MnistFiles.TEST_IMAGES + suffix).toString(),
                images(testLabels, 28, seed + 1, classes), testCount, 28, 28, gzip);
        IdxWriter.writeLabels(dir.resolve(MnistFiles.TEST_LABELS + suffix).toString(), testLabels, gzip);
        return dir;
    }

    /**
     * Inverts every pixel ({@code 255 - p}) of the plain images files in {@code dir}, as inverted MNIST does: a set
     * whose pixel statistics are far from MNIST's (mean about 207 instead of about 48 here).
     *
     * @return {@code dir}
     */
    public static Path invertImages(Path dir) {
        for (String name : new String[] {MnistFiles.TRAIN_IMAGES, MnistFiles.TEST_IMAGES}) {
            Path f = dir.resolve(name);
            try {
                byte[] bytes = java.nio.file.Files.readAllBytes(f);
                for (int i = 16; i < bytes.length; i++) {
                    bytes[i] = (byte) (255 - (bytes[i] & 0xff));
                }
                java.nio.file.Files.write(f, bytes);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return dir;
    }
}
