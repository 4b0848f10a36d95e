package dev.sparkmnist.collective;

import java.util.List;

import dev.sparkmnist.exchange.Mesh;
import dev.sparkmnist.exchange.Message;
import dev.sparkmnist.exchange.Slice;
import dev.sparkmnist.train.PartitionResult;
import dev.sparkmnist.train.PhaseRounds;

/**
 * Sums every logical partition's contribution among the tasks, in partition order, and gives every task the whole
 * sum: a reduce-scatter (task {@code t} owns about the slice {@code [m*t/T, m*(t+1)/T)} of the vector, cut at
 * {@link PhaseRounds#sliceStart chunk boundaries}, and adds the partitions' pieces of it, from partition 0 up,
 * starting from zeros) then an all-gather of the owners' slices. A sharded update ({@link WeightGather}) stops after
 * the reduce-scatter ({@link #reduceScatter}): each owner steps its slice and the tasks gather float weights.
 * That is exactly the driver's loop {@code for p: sum[i] += result_p[i]}, element by element, so the result is the
 * same to the bit whatever the number of tasks. The losses travel in the message headers and are summed in the
 * same order by every task.
 *
 * <p>Each task sends one message to every other task per phase (its partitions' pieces of the receiver's slice,
 * then its own summed slice): 2(T-1) messages and about 2m(T-1)/T values per task per step, like a ring, but in
 * two hops instead of 2(T-1). The owners' sums are double-buffered, alternating per call: a task can start summing
 * the next round while a slower peer is still copying this round's slice (between tasks in one JVM that slice is a
 * view of the owner's buffer).
 */
final class OrderedAllReduce {
    private final Mesh mesh;
    private final TaskGroups groups;
    private final int length;
    private final double[][] owned = new double[2][];
    private final double[] whole;
    /** Calls so far: picks the owned buffer (steps may advance by several per call, so not the step's parity). */
    private long calls;

    /** Slice {@code t} is {@code [bounds[t], bounds[t + 1])}. */
    private final int[] bounds;

    OrderedAllReduce(Mesh mesh, TaskGroups groups, PhaseRounds rounds) {
        this.mesh = mesh;
        this.groups = groups;
        this.length = rounds.contributionLength();
        this.bounds = new int[groups.tasks() + 1];
        for (int t = 0; t <= groups.tasks(); t++) {
            bounds[t] = rounds.sliceStart(t, groups.tasks());
        }
        int me = mesh.rank();
        owned[0] = new double[to(me) - from(me)];
        owned[1] = new double[to(me) - from(me)];
        this.whole = new double[length];
    }

    /** Where task {@code task}'s slice starts. */
    int from(int task) {
        return bounds[task];
    }

    /** Where task {@code task}'s slice ends (exclusive). */
    int to(int task) {
        return bounds[task + 1];
    }

    /**
     * The partition-ordered sum of this step's contributions ({@code mine}: this task's partitions, in order),
     * valid until the next call, with the partition-ordered loss sum and the sample count.
     */
    Sum reduce(long step, List<PartitionResult> mine) {
        return allGather(step, reduceScatter(step, mine));
    }

    /**
     * The first half of {@link #reduce}: this task's slice ({@link #from}..{@link #to}) of the partition-ordered
     * sum, valid until the next call but one, with the partition-ordered loss sum and the sample count.
     */
    Sum reduceScatter(long step, List<PartitionResult> mine) {
        int me = mesh.rank();
        int tasks = groups.tasks();
        double[] header = new double[2 * mine.size()];
        for (int k = 0; k < mine.size(); k++) {
            header[2 * k] = mine.get(k).lossSum();
            header[2 * k + 1] = mine.get(k).samples();
        }
        for (int t = 0; t < tasks; t++) {
            if (t != me) {
                mesh.send(t, new Message(step, header, slices(mine, from(t), to(t))));
            }
        }
        double[] sum = owned[(int) (calls++ & 1)];
        Slice[] pieces = new Slice[groups.partitions()];
        int next = 0;
        double loss = 0;
        long samples = 0;
        for (int t = 0; t < tasks; t++) {
            double[] h;
            Slice[] theirs;
            if (t == me) {
                h = header;
                theirs = slices(mine, from(me), to(me));
            } else {
                Message m = mesh.receive(t);
                check(m, step, t);
                h = m.header();
                theirs = m.slices();
            }
            for (Slice s : theirs) {
                pieces[next++] = s;
            }
            for (int k = 0; k < h.length; k += 2) {
                loss += h[k];
                samples += (long) h[k + 1];
            }
        }
        Slice.sumInOrder(pieces, sum);
        return new Sum(sum, loss, samples);
    }

    /** The second half of {@link #reduce}: every task's slice of the sum, so that each has the whole. */
    private Sum allGather(long step, Sum owned) {
        int me = mesh.rank();
        int tasks = groups.tasks();
        double[] sum = owned.values();
        Message mySlice = new Message(step, new double[0], new Slice[] {Slice.of(sum, 0, sum.length)});
        for (int t = 0; t < tasks; t++) {
            if (t != me) {
                mesh.send(t, mySlice);
            }
        }
        System.arraycopy(sum, 0, whole, from(me), sum.length);
        for (int t = 0; t < tasks; t++) {
            if (t != me) {
                Message m = mesh.receive(t);
                check(m, step, t);
                m.slices()[0].copyTo(whole, from(t));
            }
        }
        return new Sum(whole, owned.lossSum(), owned.samples());
    }

    private static Slice[] slices(List<PartitionResult> mine, int from, int to) {
        Slice[] out = new Slice[mine.size()];
        for (int k = 0; k < out.length; k++) {
            PartitionResult r = mine.get(k);
            out[k] = r.gradient() != null ? Slice.of(r.gradient(), from, to - from)
                    : Slice.of(r.model(), from, to - from);
        }
        return out;
    }

    static void check(Message m, long step, int from) {
        if (m.step() != step) {
            throw new IllegalStateException("task " + from + " sent step " + m.step() + " where " + step
                    + " was expected");
        }
    }

    /** A step's sum over all partitions, in partition order. */
    record Sum(double[] values, double lossSum, long samples) {
    }
}
