package dev.sparkmnist.train;

import java.util.Locale;

/**
 * How a partition picks the records of its mini-batches: with replacement, as the notebook's {@code randint}
 * ({@link KeyedRandomSampler}), or a fresh random order every epoch ({@link KeyedShuffleSampler}), which uses every
 * record once per epoch and reached 98% test accuracy in fewer steps on MNIST (docs/benchmark.md).
 */
public enum Sampling {
    REPLACEMENT,
    SHUFFLE;

    /** The sampler that draws this way. */
    public BatchSampler sampler() {
        return this == REPLACEMENT ? new KeyedRandomSampler() : new KeyedShuffleSampler();
    }

    /** The word used on the command line. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The choice named {@code name} (any case); an error naming {@code option} and both choices otherwise. */
    public static Sampling parse(String name, String option) {
        for (Sampling s : values()) {
            if (s.word().equals(name == null ? "" : name.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new InvalidConfigException(option + " must be replacement or shuffle, got '" + name + "'");
    }
}
