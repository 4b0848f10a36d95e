package dev.sparkmnist.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/**
 * Shuffled batches use every record of a partition exactly once per epoch, in another order each epoch, and a
 * batch is a pure function of its key (a retried task, on any thread, draws the same records).
 */
class KeyedShuffleSamplerTest {
    private final BatchSampler sampler = new KeyedShuffleSampler();

    @Test
    void everyRecordOncePerEpochAcrossBatchesThatStraddleEpochs() {
        int records = 1_003;   // not a multiple of the share: batches straddle epoch boundaries
        int share = 64;
        int epochs = 5;
        int[][] seen = new int[epochs][records];
        int[] out = new int[share];
        long steps = (long) epochs * records / share;
        for (long step = 0; step < steps; step++) {
            assertEquals(share, sampler.draw(42, step, 3, 0, records, share, out));
            for (int i = 0; i < share; i++) {
                long position = step * share + i;
                seen[(int) (position / records)][out[i]]++;
            }
        }
        for (int e = 0; e < epochs - 1; e++) {   // the last epoch is only partly drawn
            for (int r = 0; r < records; r++) {
                assertEquals(1, seen[e][r], "epoch " + e + ", record " + r);
            }
        }
    }

    @Test
    void ordersDifferBetweenEpochsPartitionsAndSeeds() {
        int[] first = KeyedShuffleSampler.order(42, 0, 0, 500);
        assertFalse(Arrays.equals(first, KeyedShuffleSampler.order(42, 1, 0, 500)), "next epoch");
        assertFalse(Arrays.equals(first, KeyedShuffleSampler.order(42, 0, 1, 500)), "other partition");
        assertFalse(Arrays.equals(first, KeyedShuffleSampler.order(7, 0, 0, 500)), "other seed");
        int[] sorted = first.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
    }

    @Test
    void aBatchIsTheSameWhenRecomputedOnAnotherThreadOrOutOfOrder() throws Exception {
        int records = 777;
        int share = 50;
        int[] expected = new int[share];
        sampler.draw(9, 40, 1, 0, records, share, expected);   // step 40 straddles epochs 2 and 3
        int[] again = new int[share];
        for (long step = 0; step < 60; step++) {   // fill this thread's cached orders with other epochs
            sampler.draw(9, step * 7, 2, 0, records, share, again);
        }
        sampler.draw(9, 40, 1, 0, records, share, again);
        assertArrayEquals(expected, again);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<int[]> other = pool.submit(() -> {
                int[] out = new int[share];
                new KeyedShuffleSampler().draw(9, 40, 1, 0, records, share, out);
                return out;
            });
            assertArrayEquals(expected, other.get());
        } finally {
            pool.shutdown();
        }
    }
}
