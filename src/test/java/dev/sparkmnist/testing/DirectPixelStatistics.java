package dev.sparkmnist.testing;

import java.nio.file.Path;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxHeader;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;

/**
 * The training pixels of a data folder and their mean and population standard deviation computed directly, in
 * two passes over doubles: the reference the learnt statistics are held to.
 *
 * @param pixels every training pixel byte
 * @param mean   their mean, 0..255
 * @param std    their population standard deviation
 */
public record DirectPixelStatistics(byte[] pixels, double mean, double std) {

    /** Reads the training images of {@code dataDir} and computes their statistics. */
    public static DirectPixelStatistics ofTrainingSet(Path dataDir) {
        IdxHeader h = IdxReader.readHeader(MnistFiles.train(dataDir.toString()).images(), IdxKind.IMAGES);
        byte[] all = IdxReader.readRecords(h, 0, (int) h.count());
        double sum = 0;
        for (byte b : all) {
            sum += b & 0xff;
        }
        double mean = sum / all.length;
        double squares = 0;
        for (byte b : all) {
            double d = (b & 0xff) - mean;
            squares += d * d;
        }
        return new DirectPixelStatistics(all, mean, Math.sqrt(squares / all.length));
    }
}
