package dev.sparkmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Training uses Spark's slots up to 4 partitions unless --partitions says otherwise. */
class TrainingPartitionsTest {
    @Test
    void defaultIsCappedAndAnExplicitValueWins() {
        assertEquals(2, CommonOptions.trainingPartitions(null, 2));
        assertEquals(4, CommonOptions.trainingPartitions(null, 4));
        assertEquals(4, CommonOptions.trainingPartitions(null, 8));
        assertEquals(8, CommonOptions.trainingPartitions(8, 2));
        assertEquals(1, CommonOptions.trainingPartitions(1, 16));
    }
}
