package dev.sparkmnist.collective;

import java.util.Locale;

import dev.sparkmnist.train.InvalidConfigException;

/**
 * Which engine runs training: chosen by the cost model ({@link EnginePlanner}), or forced. Set with {@code --engine}
 * on the command line, or the Spark setting {@value #PROPERTY} (for the Spark ML estimator and embedding code; a
 * thread-local property of that name wins over the context's configuration).
 */
public enum EngineChoice {
    AUTO, JOB, COLLECTIVE;

    /** The Spark setting (configuration or local property) that forces a choice. */
    public static final String PROPERTY = "spark.sparkmnist.engine";

    /** Parses {@code auto}, {@code job} or {@code collective}, naming {@code option} when the word is wrong. */
    public static EngineChoice parse(String word, String option) {
        try {
            return valueOf(word.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(option + " must be auto, job or collective, got '" + word + "'");
        }
    }
}
