package dev.sparkmnist.train;

import java.util.SplittableRandom;

/**
 * Draws mini-batch records uniformly with replacement (as the notebook's {@code randint}) from a generator keyed
 * by (seed, step, partition), so any task can be recomputed anywhere with the same result.
 */
public final class KeyedRandomSampler implements BatchSampler {
    private static final long serialVersionUID = 1L;

    @Override
    public int draw(long seed, long step, int partition, long firstRecord, int partitionRecords, int share,
                    int[] out) {
        SplittableRandom random = new SplittableRandom(mix(seed, step, partition));
        for (int i = 0; i < share; i++) {
            out[i] = random.nextInt(partitionRecords);
        }
        return share;
    }

    static long mix(long seed, long step, int partition) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h = Long.rotateLeft(h ^ (step * 0xC2B2AE3D27D4EB4FL), 31);
        h = Long.rotateLeft(h ^ (partition * 0x165667B19E3779F9L), 27);
        return h * 0x94D049BB133111EBL;
    }
}
