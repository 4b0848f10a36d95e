package dev.sparkmnist.train;

/**
 * Test sampler: step {@code s} uses exactly the global record indices {@code batches[s]}; each partition takes
 * those that fall in its block, so any partitioning sees the same global mini-batch.
 */
public final class FixedBatchSampler implements BatchSampler {
    private static final long serialVersionUID = 1L;
    private final int[][] batches;

    public FixedBatchSampler(int[][] batches) {
        this.batches = batches;
    }

    @Override
    public int draw(long seed, long step, int partition, long firstRecord, int partitionRecords, int share,
                    int[] out) {
        int n = 0;
        for (int global : batches[(int) step]) {
            if (global >= firstRecord && global < firstRecord + partitionRecords) {
                out[n++] = (int) (global - firstRecord);
            }
        }
        return n;
    }
}
