package dev.sparkmnist.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.sparkmnist.testing.SyntheticDigits;

/**
 * The on-the-fly distortions: a pure function of (seed, step, partition, record), different for any other key,
 * images keep their size and 0..255 range, all-zero limits are the identity, and the elastic field has the
 * strength Simard's construction gives it.
 */
class KeyedDistorterTest {
    private static final Augmentation BEST = Augmentation.parse("rotation=10,scale=0.1,shear=0.1,shift=1.5,"
            + "alpha=34,sigma=4");
    private static final byte[] IMAGES = SyntheticDigits.images(SyntheticDigits.labels(4, 3), 28, 3);

    private static float[] distort(Augmentation aug, long seed, long step, int partition, long record) {
        return new KeyedDistorter(aug, 28, 28).distort(IMAGES, 784, seed, step, partition, record).clone();
    }

    @Test
    void theSameKeyGivesTheSameImageAndAnyOtherKeyAnother() {
        float[] a = distort(BEST, 42, 7, 1, 9);
        KeyedDistorter reused = new KeyedDistorter(BEST, 28, 28);
        reused.distort(IMAGES, 0, 1, 2, 0, 3); // scratch state from another image must not leak into the next
        assertArrayEquals(a, reused.distort(IMAGES, 784, 42, 7, 1, 9), "same key, same image (bit for bit)");
        for (float[] other : new float[][] {distort(BEST, 43, 7, 1, 9), distort(BEST, 42, 8, 1, 9),
                distort(BEST, 42, 7, 0, 9), distort(BEST, 42, 7, 1, 10)}) {
            assertFalse(Arrays.equals(a, other), "another seed, step, partition or record distorts differently");
        }
    }

    @Test
    void distortedImagesKeepSizeAndRangeAndAreNotTheOriginal() {
        float[] img = distort(BEST, 1, 2, 3, 4);
        assertEquals(784, img.length);
        double ink = 0;
        double diff = 0;
        for (int i = 0; i < img.length; i++) {
            assertTrue(img[i] >= 0 && img[i] <= 255, "pixel " + i + " = " + img[i]);
            ink += img[i];
            diff += Math.abs(img[i] - (IMAGES[784 + i] & 0xff));
        }
        assertTrue(ink > 0, "the digit is still there");
        assertTrue(diff > 0.05 * ink, "the image changed: " + diff + " of ink " + ink);
    }

    @Test
    void allLimitsZeroIsTheIdentity() {
        float[] img = distort(Augmentation.NONE, 1, 2, 3, 4);
        float[] same = distort(Augmentation.parse("rotation=0,scale=0,shear=0,shift=0,alpha=0,sigma=6"), 9, 9, 9, 9);
        for (int i = 0; i < 784; i++) {
            assertEquals(IMAGES[784 + i] & 0xff, img[i], 0.0, "pixel " + i);
            assertEquals(IMAGES[784 + i] & 0xff, same[i], 0.0, "pixel " + i);
        }
        assertTrue(Augmentation.NONE.isNone());
        assertFalse(BEST.isNone());
    }

    @Test
    void theElasticFieldHasTheSpreadOfSmoothedFullResolutionNoise() {
        // Uniform(-1,1) noise (variance 1/3) smoothed by a normalised Gaussian of sigma s has variance
        // (1/3) * sum g^2 = (1/3) / (4 pi s^2) in the image's interior; times alpha. The sparse-grid construction must
        // keep that (it is what alpha and sigma mean in Simard et al.).
        double sigma = 4;
        double alpha = 34;
        Augmentation elastic = new Augmentation(0, 0, 0, 0, alpha, sigma);
        float[] img = new float[784];
        double sumSq = 0;
        int n = 0;
        for (int r = 0; r < 400; r++) {
            // A horizontal ramp: the displaced value at the centre minus the undisplaced one is the x displacement.
            byte[] ramp = new byte[784];
            for (int k = 0; k < 784; k++) {
                ramp[k] = (byte) (8 * (k % 28));
            }
            img = new KeyedDistorter(elastic, 28, 28).distort(ramp, 0, 5, r, 0, 0);
            double dx = (img[14 * 28 + 14] - 8 * 14) / 8.0;
            sumSq += dx * dx;
            n++;
        }
        double expected = alpha * Math.sqrt((1.0 / 3) / (4 * Math.PI * sigma * sigma));
        double measured = Math.sqrt(sumSq / n);
        assertEquals(expected, measured, 0.15 * expected, "rms displacement in pixels");
    }

    @Test
    void limitsParseBackAndNonsenseIsRefusedNamingTheOption() {
        assertEquals(BEST, Augmentation.parse(BEST.toString()));
        assertEquals(Augmentation.NONE, Augmentation.parse("none"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Augmentation.parse("rotation=10,twist=3"));
        assertTrue(e.getMessage().contains("--augment") && e.getMessage().contains("twist"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("scale=2"));
        assertTrue(e.getMessage().contains("scale"), e.getMessage());
    }
}
