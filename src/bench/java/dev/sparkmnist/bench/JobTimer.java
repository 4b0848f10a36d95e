package dev.sparkmnist.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Splits the wall time of Spark jobs in one job group into time inside tasks (the slowest task of each job, since
 * the tasks run in parallel) and the rest (scheduling, serialising closures, broadcasts and results): Spark's own
 * overhead. Job and task timestamps come from Spark's listener bus in milliseconds; over hundreds of jobs the
 * rounding averages out.
 */
final class JobTimer extends SparkListener {
    private final String group;
    private final Map<Integer, Integer> stageToJob = new HashMap<>();
    private final Map<Integer, long[]> jobs = new HashMap<>();
    private long jobCount;
    private long jobMillis;
    private long slowestTaskMillis;
    private long taskCount;
    private long taskMillis;

    JobTimer(String group) {
        this.group = group;
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
        Properties p = start.properties();
        if (p == null || !group.equals(p.getProperty("spark.jobGroup.id"))) {
            return;
        }
        jobs.put(start.jobId(), new long[] {start.time(), 0});
        scala.collection.Iterator<Object> it = start.stageIds().iterator();
        while (it.hasNext()) {
            stageToJob.put((Integer) it.next(), start.jobId());
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        Integer job = stageToJob.get(end.stageId());
        if (job == null || end.taskMetrics() == null) {
            return;
        }
        long run = end.taskMetrics().executorRunTime();
        long[] j = jobs.get(job);
        j[1] = Math.max(j[1], run);
        taskCount++;
        taskMillis += run;
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
        long[] j = jobs.remove(end.jobId());
        if (j == null) {
            return;
        }
        jobCount++;
        jobMillis += end.time() - j[0];
        slowestTaskMillis += j[1];
    }

    synchronized Totals totals() {
        return new Totals(jobCount, jobMillis / 1e3, slowestTaskMillis / 1e3, taskCount, taskMillis / 1e3);
    }

    /**
     * Sums over the group's finished jobs.
     *
     * @param jobs            jobs
     * @param jobSeconds      their wall time, start to end
     * @param insideSeconds   time of each job's slowest task, summed: the arithmetic's share of the job time
     * @param tasks           tasks
     * @param taskSeconds     all tasks' run time (both cores)
     */
    record Totals(long jobs, double jobSeconds, double insideSeconds, long tasks, double taskSeconds) {
        double overheadSeconds() {
            return Math.max(0, jobSeconds - insideSeconds);
        }
    }
}
