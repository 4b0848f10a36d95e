package dev.sparkmnist.collective;

import dev.sparkmnist.exchange.Mesh;
import dev.sparkmnist.exchange.Message;
import dev.sparkmnist.exchange.Slice;
import dev.sparkmnist.train.PhaseCursor;
import dev.sparkmnist.train.ShardedUpdate;

/**
 * The second half of a step whose update is sharded ({@link dev.sparkmnist.train.PhaseRounds#updateSlice}): each
 * task has stepped only the slice of the parameters it owns, so the tasks gather each other's new float weights
 * (what the kernel reads next), the L2 term's partial sums and whether every slice is finite. Task 0 also says in
 * its message whether this round ends with a snapshot; if so every task then sends it its slice of the velocity,
 * which only task 0 needs (for the driver's snapshot).
 *
 * <p>A task writes its float slice again only in the next round's update, after every peer has sent its next
 * contribution, which a peer does only once it has copied this round's slices: so the views sent between tasks of
 * one JVM are never read while they change. The same holds for the velocity slices sent to task 0.
 */
final class WeightGather {
    private final Mesh mesh;
    private final OrderedAllReduce slices;
    private final int tasks;
    private final double[] squares;

    WeightGather(Mesh mesh, OrderedAllReduce slices, int tasks, int chunks) {
        this.mesh = mesh;
        this.slices = slices;
        this.tasks = tasks;
        this.squares = new double[chunks];
    }

    /** The L2 partial sums this task writes its own chunks' into, before {@link #exchange}. */
    double[] squares() {
        return squares;
    }

    /**
     * Sends this task's new float weights and L2 sums to every peer and takes theirs into {@code cursor} and
     * {@link #squares()}; with {@code snapshot} (task 0's word counts) also moves every slice of the velocity to
     * task 0. Returns what every task now agrees on.
     */
    Agreed exchange(long step, PhaseCursor cursor, boolean finite, boolean snapshot) {
        int me = mesh.rank();
        int from = slices.from(me);
        int to = slices.to(me);
        int firstChunk = chunkOf(from);
        double[] header = new double[2 + chunkOf(to) - firstChunk];
        header[0] = finite ? 1 : 0;
        header[1] = snapshot ? 1 : 0;
        System.arraycopy(squares, firstChunk, header, 2, header.length - 2);
        Message mine = new Message(step, header, new Slice[] {Slice.of(cursor.floatWeights(), from, to - from)});
        for (int t = 0; t < tasks; t++) {
            if (t != me) {
                mesh.send(t, mine);
            }
        }
        boolean allFinite = finite;
        boolean snap = me == 0 && snapshot;
        for (int t = 0; t < tasks; t++) {
            if (t == me) {
                continue;
            }
            Message m = mesh.receive(t);
            OrderedAllReduce.check(m, step, t);
            m.slices()[0].copyTo(cursor.floatWeights(), slices.from(t));
            double[] h = m.header();
            System.arraycopy(h, 2, squares, chunkOf(slices.from(t)), h.length - 2);
            allFinite &= h[0] == 1;
            if (t == 0) {
                snap = h[1] == 1;
            }
        }
        if (snap) {
            gatherState(step, cursor);
        }
        return new Agreed(allFinite, snap);
    }

    /**
     * Every task's slice of the velocity to task 0, whose cursor is then whole (it has just gathered the weights).
     */
    private void gatherState(long step, PhaseCursor cursor) {
        int me = mesh.rank();
        if (me != 0) {
            int from = slices.from(me);
            int length = slices.to(me) - from;
            mesh.send(0, new Message(step, new double[0], new Slice[] {Slice.of(cursor.floatVelocity(), from,
                    length)}));
            return;
        }
        for (int t = 1; t < tasks; t++) {
            Message m = mesh.receive(t);
            OrderedAllReduce.check(m, step, t);
            m.slices()[0].copyTo(cursor.floatVelocity(), slices.from(t));
        }
    }

    private static int chunkOf(int index) {
        return ShardedUpdate.chunks(index);
    }

    /** What every task agrees on after the exchange: all slices finite; this round ends with a snapshot. */
    record Agreed(boolean finite, boolean snapshot) {
    }

}
