package dev.sparkmnist.cli;

import java.io.IOException;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.fetch.DataFolder;
import dev.sparkmnist.fs.UserFiles;
import dev.sparkmnist.report.DigitSample;
import dev.sparkmnist.train.InvalidConfigException;

/** {@code show}: the notebook's first look at the data, a grid of random digits with their labels, as a PNG. */
@Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Draw a grid of random MNIST digits with their labels into a PNG file (no Spark needed).")
public final class ShowCommand implements Callable<Integer> {
    /** Screen pixels per image pixel. */
    static final int SCALE = 3;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data/mnist",
            description = "Folder holding the MNIST IDX files, plain or .gz (default: ${DEFAULT-VALUE}).")
    String dataDir;

    @Option(names = "--split", description = "Which set to draw from: train or test (default: ${DEFAULT-VALUE}).",
            defaultValue = "train")
    String split;

    @Option(names = "--count", description = "How many digits (default: ${DEFAULT-VALUE}).", defaultValue = "100")
    int count;

    @Option(names = "--seed", description = "Picks the digits; the same seed shows the same ones "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "42")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "PNG file to write, any Hadoop path (default: ${DEFAULT-VALUE}).",
            defaultValue = "grid.png")
    String out;

    @Override
    public Integer call() throws IOException {
        if (count < 1 || count > 10_000) {
            throw new InvalidConfigException("--count must be 1..10000, got " + count);
        }
        switch (split) {
            case "train" -> DataFolder.requireFiles(dataDir, MnistFiles.TRAIN_IMAGES, MnistFiles.TRAIN_LABELS);
            case "test" -> DataFolder.requireFiles(dataDir, MnistFiles.TEST_IMAGES, MnistFiles.TEST_LABELS);
            default -> throw new InvalidConfigException("--split must be train or test, got '" + split + "'");
        }
        MnistFiles.Split files = switch (split) {
            case "train" -> MnistFiles.train(dataDir);
            case "test" -> MnistFiles.test(dataDir);
            default -> throw new InvalidConfigException("--split must be train or test, got '" + split + "'");
        };
        DigitSample sample = DigitSample.random(files, count, seed);
        UserFiles.write(out, sample.png(SCALE));
        System.out.println(sample.tiles().size() + " " + split + " digits (seed " + seed + ") drawn to " + out);
        return ExitCodes.OK;
    }
}
