package dev.sparkmnist.collective;

import java.util.List;

import dev.sparkmnist.exchange.Mesh;
import dev.sparkmnist.exchange.Message;
import dev.sparkmnist.exchange.Slice;
import dev.sparkmnist.nn.RowSums;
import dev.sparkmnist.train.PartitionResult;
import dev.sparkmnist.train.PhaseRounds;
import dev.sparkmnist.train.ShardedUpdate;

/**
 * Sums every logical partition's contribution among the tasks, in partition order, and gives every task the whole
 * sum: a reduce-scatter (task {@code t} owns about the slice {@code [m*t/T, m*(t+1)/T)} of the vector, cut at
 * {@link PhaseRounds#sliceStart chunk boundaries}, and adds the partitions' pieces of it, from partition 0 up,
 * starting from zeros) then an all-gather of the owners' slices ({@link #reduce}, in double). A sharded update of
 * float gradients takes only the reduce-scatter's exchange ({@link #exchange}): each owner adds its slice in float, a
 * chunk at a time as it steps it ({@link Parts#sum}), and the tasks then gather float weights ({@link WeightGather}).
 * Either way the sums are exactly the job-per-round driver's ({@code PartitionResult.sumInOrder}: float gradients
 * in float, everything else in double), element by element, so the result is the same to the bit whatever the
 * number of tasks. The losses travel in the message headers and are summed in the same order by every task.
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
    /** Where W1's rows end in the vector, and their length: a sum is added up row by row there. */
    private final int w1End;
    private final int hidden;
    /** A W1 row, for a float sum whose chunk starts or ends inside one ({@link Contribution#sumFloatsInOrder}). */
    private final float[] row;
    /** The float sum's W1 rows ({@link Parts#sum}). */
    private final RowSums rowSums;
    /**
     * The float sum, made a chunk at a time where the sharded update uses it ({@link Parts#sum}), at the
     * parameters' positions; allocated with the first.
     */
    private float[] floatSum;

    OrderedAllReduce(Mesh mesh, TaskGroups groups, PhaseRounds rounds) {
        this.mesh = mesh;
        this.groups = groups;
        this.length = rounds.contributionLength();
        this.bounds = new int[groups.tasks() + 1];
        for (int t = 0; t <= groups.tasks(); t++) {
            bounds[t] = rounds.sliceStart(t, groups.tasks());
        }
        this.w1End = rounds.sizes().b1Offset();
        this.hidden = rounds.sizes().hidden();
        this.row = new float[hidden];
        this.rowSums = new RowSums(hidden);
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
        Parts parts = exchange(step, mine);
        double[] sum = owned[(int) (calls++ & 1)];
        int from = from(mesh.rank());
        Contribution.sumInOrder(parts.parts(), sum, from, from + sum.length);
        return new Sum(sum, parts.lossSum(), parts.samples());
    }

    /**
     * The exchange of {@link #reduceScatter} without the sum: every partition's contribution to this task's slice,
     * in partition order, and {@link Parts#sum} to add them up a chunk at a time where they are used. Valid until
     * the next call.
     */
    Parts exchange(long step, List<PartitionResult> mine) {
        int me = mesh.rank();
        int tasks = groups.tasks();
        // Per partition: its loss, its samples and how many slices carry its contribution.
        double[] header = new double[3 * mine.size()];
        Slice[][] encoded = new Slice[mine.size()][];
        for (int k = 0; k < mine.size(); k++) {
            PartitionResult r = mine.get(k);
            header[3 * k] = r.lossSum();
            header[3 * k + 1] = r.samples();
            encoded[k] = r.w1Rows() == null ? null : rows(r).encode();
            header[3 * k + 2] = encoded[k] == null ? 1 : Contribution.Rows.SLICES;
        }
        for (int t = 0; t < tasks; t++) {
            if (t != me) {
                mesh.send(t, new Message(step, header, slices(mine, encoded, from(t), to(t))));
            }
        }
        Contribution[] parts = new Contribution[groups.partitions()];
        int next = 0;
        double loss = 0;
        long samples = 0;
        for (int t = 0; t < tasks; t++) {
            double[] h;
            if (t == me) {
                h = header;
                for (PartitionResult r : mine) {
                    parts[next++] = r.w1Rows() == null ? new Contribution.Dense(values(r, from(me), to(me)), from(me))
                            : rows(r);
                }
            } else {
                Message m = mesh.receive(t);
                check(m, step, t);
                h = m.header();
                int at = 0;
                for (int k = 0; k < h.length; k += 3) {
                    int count = (int) h[k + 2];
                    parts[next++] = count == 1 ? new Contribution.Dense(m.slices()[at], from(me))
                            : Contribution.Rows.decode(m.slices(), at, hidden, w1End);
                    at += count;
                }
            }
            for (int k = 0; k < h.length; k += 3) {
                loss += h[k];
                samples += (long) h[k + 1];
            }
        }
        return new Parts(parts, loss, samples);
    }

    /** A float gradient whose W1 rows came as SparseRows, as a contribution. */
    private Contribution.Rows rows(PartitionResult r) {
        return new Contribution.Rows(r.w1Rows(), w1End,
                new Contribution.Dense(Slice.of(r.model(), w1End, length - w1End), w1End));
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

    /** What this task sends the owner of {@code [from, to)}: each partition's piece of it, or its SparseRows. */
    private static Slice[] slices(List<PartitionResult> mine, Slice[][] encoded, int from, int to) {
        List<Slice> out = new java.util.ArrayList<>();
        for (int k = 0; k < mine.size(); k++) {
            if (encoded[k] == null) {
                out.add(values(mine.get(k), from, to));
            } else {
                out.addAll(List.of(encoded[k]));
            }
        }
        return out.toArray(new Slice[0]);
    }

    private static Slice values(PartitionResult r, int from, int to) {
        return r.gradient() != null ? Slice.of(r.gradient(), from, to - from) : Slice.of(r.model(), from, to - from);
    }

    static void check(Message m, long step, int from) {
        if (m.step() != step) {
            throw new IllegalStateException("task " + from + " sent step " + m.step() + " where " + step
                    + " was expected");
        }
    }

    /** A step's contributions to this task's slice, in partition order, with the loss sum and sample count. */
    final class Parts {
        private final Contribution[] parts;
        private final double lossSum;
        private final long samples;

        Parts(Contribution[] parts, double lossSum, long samples) {
            this.parts = parts;
            this.lossSum = lossSum;
            this.samples = samples;
        }

        Contribution[] parts() {
            return parts;
        }

        double lossSum() {
            return lossSum;
        }

        long samples() {
            return samples;
        }

        /** The partition-ordered float sum, a chunk at a time (W1's rows by {@link RowSums}, given the parts here). */
        ShardedUpdate.GradientSource sum() {
            rowSums.begin(parts.length);
            for (int p = 0; p < parts.length; p++) {
                parts[p].addTo(rowSums, p);
            }
            rowSums.ready();
            return (from, to) -> {
                if (floatSum == null) {
                    floatSum = new float[length];
                }
                Contribution.sumFloatsInOrder(parts, floatSum, from, to, w1End, hidden, rowSums, row);
                return floatSum;
            };
        }
    }

    /** A step's sum over all partitions, in partition order. */
    record Sum(double[] values, double lossSum, long samples) {
    }
}
