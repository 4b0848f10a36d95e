package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Training uses all of Spark's slots (no cap since issue 12) unless --partitions says otherwise. */
class TrainingPartitionsTest {
    @Test
    void defaultIsUncappedAndAnExplicitValueWins() {
        assertEquals(2, CommonOptions.trainingPartitions(null, 2));
        assertEquals(4, CommonOptions.trainingPartitions(null, 4));
        assertEquals(64, CommonOptions.trainingPartitions(null, 64));
        assertEquals(8, CommonOptions.trainingPartitions(8, 2));
        assertEquals(1, CommonOptions.trainingPartitions(1, 16));
    }
}
