package dev.sparkmnist.collective;

import java.io.Serializable;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.exchange.Credentials;
import dev.sparkmnist.exchange.Tracker;
import dev.sparkmnist.train.PhaseCursor;
import dev.sparkmnist.train.PhaseEngine;
import dev.sparkmnist.train.PhaseRounds;
import dev.sparkmnist.train.RoundListeners;
import dev.sparkmnist.train.RoundStats;
import dev.sparkmnist.train.TrainingDivergedException;
import dev.sparkmnist.train.TrainingState;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Runs a whole phase inside one barrier stage, the way XGBoost4J-Spark and SynapseML's LightGBM train: all tasks
 * start together, meet once at the driver's {@link Tracker} for each other's addresses and the start state, and
 * then exchange the partitions' contributions among themselves every step ({@link CollectiveTask}); the driver
 * does no work per step and only relays task 0's reports to the listeners (progress, checkpoints).
 *
 * <p>Logical partitions are not tasks: the {@code P} partitions' blocks are moved once to {@code T <= P} tasks
 * ({@link TaskGroups}; fewer when the cluster has fewer free slots), and sums keep partition order, so the weights
 * do not depend on {@code T}. Spark does not retry a failed barrier result stage, so the engine does: after a lost
 * executor or a stuck peer it starts the stage again, on the slots there are then, from the newest snapshot; and
 * when a stage waits for slots that do not come (an executor lost and never replaced), it cancels it and does the
 * same. Either way the run ends with the weights of a run without the fault.
 */
public final class CollectiveEngine implements PhaseEngine {
    private static final Logger LOG = LoggerFactory.getLogger(CollectiveEngine.class);
    /** Seconds a task waits for a peer or the tracker before failing with the peer's name. */
    public static final String TIMEOUT = "spark.sparkmnist.exchange.timeout";
    /** Seconds between snapshots that bound what a fault costs (besides those the listeners ask for). */
    public static final String SNAPSHOT_SECONDS = "spark.sparkmnist.exchange.snapshotSeconds";
    /** Seconds without any report, while slots are missing, before the stage is restarted on fewer tasks. */
    public static final String STALL_SECONDS = "spark.sparkmnist.exchange.stallSeconds";
    /** Times a phase's stage is started at most (Spark does not retry a failed barrier result stage itself). */
    public static final String ATTEMPTS = "spark.sparkmnist.exchange.attempts";

    private final JavaSparkContext sc;
    private JavaPairRDD<Integer, ImageBlock> grouped;
    private TaskGroups groupedAs;
    private JavaRDD<ImageBlock> groupedFrom;

    public CollectiveEngine(JavaSparkContext sc) {
        this.sc = sc;
    }

    @Override
    public String name() {
        return "collective (one barrier stage per phase, tasks exchange among themselves)";
    }

    /** Drops the blocks moved to the tasks: they were a second copy of the training set on the executors. */
    @Override
    public void finish() {
        if (grouped != null) {
            grouped.unpersist(false);
            grouped = null;
            groupedAs = null;
            groupedFrom = null;
        }
    }

    @Override
    public PhaseCursor run(JavaRDD<ImageBlock> blocks, PhaseRounds rounds, PhaseCursor cursor,
                           RoundListeners listeners) {
        if (cursor.done() >= rounds.plan().iterations() || cursor.converged()) {
            return cursor;
        }
        long timeoutMillis = (long) (setting(TIMEOUT, 120) * 1000);
        AtomicReference<TrainingState> latest = new AtomicReference<>(cursor.snapshot());
        Dispatcher dispatcher = new Dispatcher(listeners, latest);
        SnapshotPolicy policy = new SnapshotPolicy(listeners.weightsEveryRound(), listeners.weightsEveryIterations(),
                TimeUnit.SECONDS.toNanos(snapshotSeconds(listeners)));
        int partitions = rounds.partitions();
        for (int launch = 0; ; launch++) {
            int tasks = Math.min(partitions, Slots.free(sc));
            if (tasks < partitions) {
                LOG.info("{} task slots free for {} partitions: {} tasks, each working for {}-{} partitions (the "
                                + "same weights as one task per partition)", Slots.free(sc), partitions, tasks,
                        partitions / tasks, (partitions + tasks - 1) / tasks);
            }
            TaskGroups groups = new TaskGroups(partitions, tasks);
            try {
                TaskOutcome end = launch(blocks, groups, rounds, policy, timeoutMillis, latest, dispatcher, launch);
                if (end.diverged() != null) {
                    throw new TrainingDivergedException(end.diverged());
                }
                return PhaseCursor.at(rounds, end.end());
            } catch (StageFailed e) {
                int attempts = (int) setting(ATTEMPTS, 4);
                if (launch + 1 >= attempts) {
                    throw new IllegalStateException("the collective stage of phase " + (rounds.phaseIndex() + 1)
                            + " failed " + attempts + " times (" + ATTEMPTS + "); last: " + e.getMessage(),
                            e.getCause());
                }
                TrainingState from = latest.get();
                LOG.warn("collective stage failed ({}); starting it again from iteration {} of the phase on the "
                        + "slots there are now", e.getMessage(), from.phaseIteration());
            }
        }
    }

    /** A setting of this engine: a local property of the calling thread, else the configuration, else the default. */
    private double setting(String key, double otherwise) {
        String local = sc.getLocalProperty(key);
        return local != null ? Double.parseDouble(local) : sc.getConf().getDouble(key, otherwise);
    }

    private long snapshotSeconds(RoundListeners listeners) {
        long asked = listeners.weightsEverySeconds();
        long fault = (long) setting(SNAPSHOT_SECONDS, 10);
        return asked > 0 ? Math.max(1, Math.min(asked, fault)) : fault;
    }

    private TaskOutcome launch(JavaRDD<ImageBlock> blocks, TaskGroups groups, PhaseRounds rounds,
                               SnapshotPolicy policy, long timeoutMillis, AtomicReference<TrainingState> latest,
                               Dispatcher dispatcher, int launch) throws StageFailed {
        JavaPairRDD<Integer, ImageBlock> input = groupedInput(blocks, groups);
        SparkConf conf = sc.getConf();
        String host = conf.get("spark.driver.host", "127.0.0.1");
        String bind = conf.get("spark.driver.bindAddress", host);
        Credentials credentials = Credentials.fresh(ExchangeSecurity.secret());
        String runId = UUID.randomUUID().toString();
        AtomicLong lastActivity = new AtomicLong(System.nanoTime());
        try (Tracker tracker = new Tracker(bind, host, credentials, groups.tasks(),
                () -> (Serializable) latest.get(), (attempt, report) -> {
                    lastActivity.set(System.nanoTime());
                    dispatcher.offer((RoundReport) report);
                })) {
            CollectiveTask task = new CollectiveTask(rounds, groups, tracker.host(), tracker.port(), credentials,
                    runId, policy, timeoutMillis, new CollectiveTask.TestHooks(
                    launch == 0 ? (int) setting("spark.sparkmnist.test.stallTask", -1) : -1,
                    (long) setting("spark.sparkmnist.test.stallStep", -1),
                    (long) setting("spark.sparkmnist.test.roundMillis", 0)));
            String description = String.format("spark-mnist phase %d/%d: collective SGD, %d iterations from %d, "
                            + "%d tasks x %d partitions", rounds.phaseIndex() + 1, rounds.phases(),
                    rounds.plan().iterations(), latest.get().phaseIteration(), groups.tasks(), groups.partitions());
            sc.setJobGroup(runId, description, true);
            JavaFutureAction<List<TaskOutcome>> future;
            try {
                future = barrier(input, task).collectAsync();
            } finally {
                sc.clearJobGroup();
            }
            long stallNanos = TimeUnit.SECONDS.toNanos((long) setting(STALL_SECONDS, 30));
            boolean done = false;
            try {
                TaskOutcome end = await(future, dispatcher, groups, runId, stallNanos, lastActivity);
                done = true;
                return end;
            } finally {
                if (!done && !future.isDone()) {
                    // A listener threw: leave no stage running behind.
                    sc.cancelJobGroup(runId);
                }
            }
        }
    }

    /**
     * Waits for the stage, relaying reports meanwhile; returns task 0's outcome once the last round's report has
     * been relayed too (it travels on its own connection and may arrive after the task's result).
     */
    private TaskOutcome await(JavaFutureAction<List<TaskOutcome>> future, Dispatcher dispatcher, TaskGroups groups,
                              String runId, long stallNanos, AtomicLong lastActivity) throws StageFailed {
        while (true) {
            try {
                List<TaskOutcome> outcomes = future.get(50, TimeUnit.MILLISECONDS);
                TaskOutcome end = outcomes.stream().filter(o -> o.rank() == 0).findFirst().orElseThrow();
                if (end.end() != null) {
                    dispatcher.drainThrough(end.end().globalStep(), TimeUnit.SECONDS.toNanos(60));
                }
                return end;
            } catch (TimeoutException e) {
                dispatcher.drain();
                if (System.nanoTime() - lastActivity.get() > stallNanos && Slots.free(sc) < groups.tasks()) {
                    LOG.warn("collective stage: no progress for {} s and only {} of {} task slots free: cancelling "
                            + "it", stallNanos / 1_000_000_000L, Slots.free(sc), groups.tasks());
                    sc.cancelJobGroup(runId);
                    lastActivity.set(System.nanoTime());
                }
            } catch (ExecutionException e) {
                dispatcher.drain();
                throw new StageFailed(rootMessage(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while training", e);
            }
        }
    }

    /** The blocks keyed by logical partition and moved to their tasks once; kept while the grouping holds. */
    private JavaPairRDD<Integer, ImageBlock> groupedInput(JavaRDD<ImageBlock> blocks, TaskGroups groups) {
        if (grouped != null && groups.equals(groupedAs) && blocks == groupedFrom) {
            return grouped;
        }
        if (grouped != null) {
            grouped.unpersist(false);
        }
        JavaRDD<Tuple2<Integer, ImageBlock>> keyed = blocks.mapPartitionsWithIndex((p, it) -> {
            java.util.List<Tuple2<Integer, ImageBlock>> out = new java.util.ArrayList<>(1);
            it.forEachRemaining(b -> out.add(new Tuple2<>(p, b)));
            return out.iterator();
        }, true);
        grouped = JavaPairRDD.fromJavaRDD(keyed).partitionBy(groups).persist(StorageLevel.MEMORY_ONLY());
        grouped.setName("training blocks for " + groups.tasks() + " collective tasks");
        groupedAs = groups;
        groupedFrom = blocks;
        return grouped;
    }

    @SuppressWarnings("unchecked")
    private static JavaRDD<TaskOutcome> barrier(JavaPairRDD<Integer, ImageBlock> input, CollectiveTask task) {
        ClassTag<TaskOutcome> tag = (ClassTag<TaskOutcome>) (ClassTag<?>) ClassTag$.MODULE$.apply(TaskOutcome.class);
        RDD<TaskOutcome> out = input.rdd().barrier().mapPartitions(new BarrierFunction(task), false, tag);
        return new JavaRDD<>(out, tag);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        String best = e.getMessage();
        while (t != null) {
            if (t.getMessage() != null) {
                best = t.getMessage();
            }
            t = t.getCause();
        }
        return best;
    }

    /** A stage that ended in failure, with Spark's reason. */
    private static final class StageFailed extends Exception {
        private static final long serialVersionUID = 1L;

        StageFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Hands task 0's reports to the listeners on the driver's own thread, each round once: a stage restarted from a
     * snapshot repeats rounds the listeners have seen (with the same results), and those are skipped.
     */
    private static final class Dispatcher {
        private final RoundListeners listeners;
        private final AtomicReference<TrainingState> latest;
        private final ConcurrentLinkedQueue<RoundReport> queue = new ConcurrentLinkedQueue<>();
        private long dispatchedStep = -1;

        Dispatcher(RoundListeners listeners, AtomicReference<TrainingState> latest) {
            this.listeners = listeners;
            this.latest = latest;
        }

        void offer(RoundReport r) {
            queue.add(r);
        }

        /** Relays reports until the one of {@code globalStep} has been, waiting at most {@code nanos}. */
        void drainThrough(long globalStep, long nanos) {
            long deadline = System.nanoTime() + nanos;
            drain();
            while (dispatchedStep < globalStep && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                drain();
            }
        }

        void drain() {
            RoundReport r;
            while ((r = queue.poll()) != null) {
                if (r.snapshot() != null && r.snapshot().globalStep() > latest.get().globalStep()) {
                    latest.set(r.snapshot());
                }
                if (r.globalStep() <= dispatchedStep) {
                    continue;
                }
                dispatchedStep = r.globalStep();
                RoundStats stats = listeners.stats(r.phase(), r.steps(), r.batchLoss(), r.samples(), r.rate());
                if (r.snapshot() != null) {
                    listeners.afterRound(r.snapshot(), stats);
                } else {
                    TrainingState w = latest.get();
                    listeners.afterRoundWithoutWeights(new TrainingState(r.phase(), r.done(), r.globalStep(),
                            w.network(), w.velocity(), w.blockMomentum()), stats);
                }
            }
        }
    }
}
