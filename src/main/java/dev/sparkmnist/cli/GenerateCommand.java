package dev.sparkmnist.cli;

import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.sparkmnist.augment.AugmentedMnist;
import dev.sparkmnist.augment.Distortion;
import dev.sparkmnist.output.OutputClaim;
import dev.sparkmnist.train.InvalidConfigException;

/** {@code generate}: write a larger, distorted MNIST training set (infiMNIST-style) for scale tests. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a larger MNIST training set: the original images, then randomly distorted copies "
                + "(small affine + elastic deformations), as IDX files in any Hadoop folder, with the test set "
                + "copied alongside. The output is a pure function of the source and --seed."})
public final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data/mnist",
            description = "Folder with the source MNIST IDX files, plain or .gz (default: ${DEFAULT-VALUE}).")
    String dataDir;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Folder (any Hadoop path) to write the generated data set to.")
    String out;

    @Option(names = "--count", required = true, description = "Training records to write (the originals count).")
    int count;

    @Option(names = "--overwrite", description = "Write into an existing --out folder that generate did not write "
            + "(never the --data-dir itself, a model directory or a registry).")
    boolean overwrite;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds the distortions (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (count < 1) {
            throw new InvalidConfigException("--count must be at least 1, got " + count);
        }
        long t0 = System.nanoTime();
        AugmentedMnist.Summary s;
        try (OutputClaim claim = OutputClaim.directory("generate", "--out", out, overwrite, false, dataDir)) {
            s = AugmentedMnist.generate(dataDir, out, count, seed, Distortion.MNIST_DEFAULT);
            claim.written();
        }
        System.out.printf(Locale.ROOT, "wrote %,d training records (%,d original, %,d distorted) to %s in %.1f s%n",
                s.count(), s.originals(), s.count() - s.originals(), out, (System.nanoTime() - t0) / 1e9);
        return ExitCodes.OK;
    }
}
