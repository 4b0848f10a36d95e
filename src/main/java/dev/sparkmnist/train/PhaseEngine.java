package dev.sparkmnist.train;

import org.apache.spark.api.java.JavaRDD;

import dev.sparkmnist.data.ImageBlock;

/**
 * How one phase's rounds are run on Spark. {@link JobPerRoundEngine} runs one Spark job per round and combines on
 * the driver; the collective engine ({@code dev.sparkmnist.collective}) runs the whole phase inside one barrier
 * stage. Both run the same {@link PhaseRounds} arithmetic, so they give the same weights.
 */
public interface PhaseEngine {
    /**
     * Runs {@code rounds}' phase from {@code cursor} to its end over {@code blocks} (one block per logical
     * partition), telling {@code listeners} after every round, and returns the cursor at the phase's end, or at
     * the round after which the convergence check stopped training ({@link PhaseCursor#converged()}; every engine
     * stops at the same round).
     */
    PhaseCursor run(JavaRDD<ImageBlock> blocks, PhaseRounds rounds, PhaseCursor cursor, RoundListeners listeners);

    /** A short name for logs ("job per round", "collective"). */
    String name();

    /** Releases what the engine kept for the run's phases (cached data); called once when training ends. */
    default void finish() {
    }
}
