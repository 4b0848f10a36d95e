package dev.sparkmnist.collective;

import java.util.List;

import dev.sparkmnist.exchange.Mesh;
import dev.sparkmnist.exchange.Message;
import dev.sparkmnist.exchange.Slice;
import dev.sparkmnist.train.PartitionResult;

/**
 * Sums every logical partition's contribution among the tasks, in partition order, and gives every task the whole
 * sum: a reduce-scatter (task {@code t} owns the slice {@code [m*t/T, m*(t+1)/T)} of the vector and adds the
 * partitions' pieces of it, from partition 0 up, starting from zeros) then an all-gather of the owners' slices.
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

    OrderedAllReduce(Mesh mesh, TaskGroups groups, int length) {
        this.mesh = mesh;
        this.groups = groups;
        this.length = length;
        int me = mesh.rank();
        owned[0] = new double[to(me) - from(me)];
        owned[1] = new double[to(me) - from(me)];
        this.whole = new double[length];
    }

    private int from(int task) {
        return (int) ((long) length * task / groups.tasks());
    }

    private int to(int task) {
        return from(task + 1);
    }

    /**
     * The partition-ordered sum of this step's contributions ({@code mine}: this task's partitions, in order),
     * valid until the next call, with the partition-ordered loss sum and the sample count.
     */
    Sum reduce(long step, List<PartitionResult> mine) {
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
        java.util.Arrays.fill(sum, 0);
        double loss = 0;
        long samples = 0;
        for (int t = 0; t < tasks; t++) {
            double[] h;
            Slice[] pieces;
            if (t == me) {
                h = header;
                pieces = slices(mine, from(me), to(me));
            } else {
                Message m = mesh.receive(t);
                check(m, step, t);
                h = m.header();
                pieces = m.slices();
            }
            for (Slice s : pieces) {
                s.addTo(sum, 0);
            }
            for (int k = 0; k < h.length; k += 2) {
                loss += h[k];
                samples += (long) h[k + 1];
            }
        }
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
        return new Sum(whole, loss, samples);
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

    private static void check(Message m, long step, int from) {
        if (m.step() != step) {
            throw new IllegalStateException("task " + from + " sent step " + m.step() + " where " + step
                    + " was expected");
        }
    }

    /** A step's sum over all partitions, in partition order. */
    record Sum(double[] values, double lossSum, long samples) {
    }
}
