package dev.sparkmnist.data;

import java.io.Serializable;
import java.math.BigInteger;

import org.apache.spark.api.java.JavaRDD;

/**
 * Mean and standard deviation of all pixels of a training set, computed on the executors in one pass over the
 * cached blocks. Each block returns exact integer sums (pixel count, sum, sum of squares; a long holds the sum of
 * squares of 35 trillion pixels), which add up the same in any order, so the result does not depend on the
 * partitioning or on which task finishes first: the same data always gives the same bits.
 *
 * @param pixels      how many pixel values were summed
 * @param sum         their exact sum
 * @param sumOfSquares the exact sum of their squares
 */
public record PixelStatistics(long pixels, long sum, long sumOfSquares) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The statistics of every pixel of {@code blocks}: one Spark job (it also materialises a cached RDD). */
    public static PixelStatistics of(JavaRDD<ImageBlock> blocks) {
        return blocks.map(PixelStatistics::of).fold(new PixelStatistics(0, 0, 0), PixelStatistics::plus);
    }

    /** The statistics of one block. */
    public static PixelStatistics of(ImageBlock block) {
        long sum = 0;
        long squares = 0;
        for (byte b : block.pixels()) {
            int v = b & 0xff;
            sum += v;
            squares += v * v;
        }
        return new PixelStatistics(block.pixels().length, sum, squares);
    }

    /** Both together. */
    public PixelStatistics plus(PixelStatistics o) {
        return new PixelStatistics(Math.addExact(pixels, o.pixels), Math.addExact(sum, o.sum),
                Math.addExact(sumOfSquares, o.sumOfSquares));
    }

    /** The mean pixel value, 0..255. */
    public double mean() {
        return (double) sum / pixels;
    }

    /**
     * The population standard deviation, from the exact integer {@code n * sumOfSquares - sum^2} (no cancellation:
     * rounding happens once, at the end).
     */
    public double std() {
        BigInteger n = BigInteger.valueOf(pixels);
        BigInteger s = BigInteger.valueOf(sum);
        BigInteger numerator = n.multiply(BigInteger.valueOf(sumOfSquares)).subtract(s.multiply(s));
        return Math.sqrt(numerator.doubleValue() / ((double) pixels * (double) pixels));
    }

    /** The standardisation that maps these pixels to mean 0 and variance 1. */
    public InputScaling standardisation() {
        return InputScaling.standardised(mean(), std());
    }
}
