package dev.sparkmnist.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import dev.sparkmnist.data.ClassNames;
import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.idx.IdxHeader;
import dev.sparkmnist.idx.IdxKind;
import dev.sparkmnist.idx.IdxReader;

/**
 * Random records of an images/labels pair, read on the driver without Spark: what the notebook's first cell
 * shows. The same seed always picks the same records.
 *
 * @param header  the images file's header (image size)
 * @param records indices of the chosen records, in the order drawn
 * @param labels  each record's label
 * @param tiles   each record's pixels, captioned with its label
 */
public record DigitSample(IdxHeader header, long[] records, int[] labels, List<DigitGrid.Tile> tiles) {

    /** {@code count} distinct records chosen at random with {@code seed} (all of them, if the file has fewer). */
    public static DigitSample random(MnistFiles.Split split, int count, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        IdxHeader images = IdxReader.readHeader(split.images(), IdxKind.IMAGES);
        IdxHeader labelsHeader = IdxReader.readHeader(split.labels(), IdxKind.LABELS);
        IdxReader.requireSameCount(images, labelsHeader);
        byte[] labels = IdxReader.readLabels(labelsHeader);
        long[] chosen = choose(labels.length, Math.min(count, labels.length), seed);
        byte[][] pixels = read(images, chosen);
        List<DigitGrid.Tile> tiles = new ArrayList<>(chosen.length);
        int[] chosenLabels = new int[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            chosenLabels[i] = labels[(int) chosen[i]] & 0xff;
            tiles.add(new DigitGrid.Tile(pixels[i], Integer.toString(chosenLabels[i])));
        }
        return new DigitSample(images, chosen, chosenLabels, List.copyOf(tiles));
    }

    /** The same images captioned with their class names. */
    public DigitSample captioned(ClassNames names) {
        List<DigitGrid.Tile> named = new ArrayList<>(tiles.size());
        for (int i = 0; i < tiles.size(); i++) {
            named.add(new DigitGrid.Tile(tiles.get(i).pixels(), names.name(labels[i])));
        }
        return new DigitSample(header, records, labels, List.copyOf(named));
    }

    /** {@code k} distinct indices below {@code n}: a partial Fisher-Yates shuffle. */
    static long[] choose(int n, int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        long[] out = new long[k];
        for (int i = 0; i < k; i++) {
            int j = i + r.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            out[i] = idx[i];
        }
        return out;
    }

    /**
     * The chosen images. A plain file is read record by record with seeks; a gzipped one cannot seek, so it is
     * decompressed once up to the last record needed.
     */
    private static byte[][] read(IdxHeader images, long[] chosen) {
        int d = images.recordBytes();
        byte[][] out = new byte[chosen.length][];
        if (!images.gzipped()) {
            for (int i = 0; i < chosen.length; i++) {
                out[i] = IdxReader.readRecords(images, chosen[i], 1);
            }
            return out;
        }
        long last = Arrays.stream(chosen).max().orElse(0);
        byte[] prefix = IdxReader.readRecords(images, 0, (int) last + 1);
        for (int i = 0; i < chosen.length; i++) {
            int from = (int) chosen[i] * d;
            out[i] = Arrays.copyOfRange(prefix, from, from + d);
        }
        return out;
    }

    /** The grid PNG, {@code scale} screen pixels per image pixel. */
    public byte[] png(int scale) {
        Png.ensureHeadless();
        return Png.encode(grid(scale).draw(tiles));
    }

    /** The layout {@link #png} uses. */
    public DigitGrid grid(int scale) {
        return DigitGrid.forCount(tiles.size(), header.rows(), header.cols(), scale);
    }
}
