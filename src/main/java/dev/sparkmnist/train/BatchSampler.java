package dev.sparkmnist.train;

import java.io.Serializable;

/**
 * Chooses which records of a partition make up its share of a mini-batch. Must be a pure function of its
 * arguments: a retried or resumed task then draws exactly the same batch and computes the same gradient.
 */
@FunctionalInterface
public interface BatchSampler extends Serializable {
    /**
     * Fills {@code out} with indices (into the partition's block, {@code 0..partitionRecords)) of the records that
     * partition {@code partition} uses at global step {@code step}, and returns how many it chose. {@code share}
     * is the partition's fair part of the mini-batch; {@code firstRecord} is the block's first record in the file;
     * {@code out} holds at least a whole mini-batch.
     */
    int draw(long seed, long step, int partition, long firstRecord, int partitionRecords, int share, int[] out);
}
