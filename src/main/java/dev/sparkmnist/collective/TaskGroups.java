package dev.sparkmnist.collective;

import org.apache.spark.Partitioner;

/**
 * Which logical partitions each task works for: task {@code t} of {@code tasks} holds the consecutive partitions
 * {@code first(t) .. first(t+1)-1}, so visiting tasks in rank order visits partitions in order, which is the order
 * every sum is taken in. As a Spark {@link Partitioner} it moves each partition's block to its task.
 */
final class TaskGroups extends Partitioner {
    private static final long serialVersionUID = 1L;

    private final int partitions;
    private final int tasks;

    TaskGroups(int partitions, int tasks) {
        if (tasks < 1 || tasks > partitions) {
            throw new IllegalArgumentException(tasks + " tasks for " + partitions + " partitions");
        }
        this.partitions = partitions;
        this.tasks = tasks;
    }

    int partitions() {
        return partitions;
    }

    int tasks() {
        return tasks;
    }

    /** The first logical partition of task {@code t}; {@code first(tasks)} is the partition count. */
    int first(int t) {
        return (int) ((long) partitions * t / tasks);
    }

    /** The task that works for logical partition {@code p}. */
    int taskOf(int p) {
        int t = (int) ((long) p * tasks / partitions);
        while (first(t + 1) <= p) {
            t++;
        }
        while (first(t) > p) {
            t--;
        }
        return t;
    }

    @Override
    public int numPartitions() {
        return tasks;
    }

    @Override
    public int getPartition(Object key) {
        return taskOf((Integer) key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskGroups g && g.partitions == partitions && g.tasks == tasks;
    }

    @Override
    public int hashCode() {
        return 31 * partitions + tasks;
    }
}
