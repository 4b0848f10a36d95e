package dev.sparkmnist.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.storage.BlockManagerMaster;
import org.apache.spark.storage.RDDBlockId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.compat.SparkReleases;

/**
 * Gives an executor that joins mid-training (the replacement of a lost one) its share of the cached training
 * blocks. Without this, the survivor re-reads the lost blocks while the replacement is still starting, keeps them
 * cached, and every later round runs those tasks on the survivor: Spark schedules a task where its block is cached
 * and waits {@code spark.locality.wait} for that slot, longer than a round lasts, so the replacement stays idle.
 *
 * <p>At the first round boundary after an executor joined (once its block manager is registered), blocks held
 * beyond an executor's share, {@code ceil(partitions / executors)}, are dropped from that executor's cache, as
 * many as other executors lack. Their tasks then have no cached location, run on whichever executor is free, and
 * re-read their records from the data files there (the blocks are derived from the files, so the result is the
 * same bit for bit). Measured against lowering the locality wait instead in the README ("Fault tolerance").
 *
 * <p>It also times rounds, and when executors changed during the run logs the median round time before the first
 * loss and after the rebalance.
 */
public final class CacheRebalancer implements TrainingListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CacheRebalancer.class);
    /** Rounds after a rebalance not counted as "after": the one that re-reads the moved blocks. */
    private static final int SETTLING_ROUNDS = 1;
    /** Spark setting that turns the rebalancing off ({@code false}), for measuring what it changes. */
    public static final String ENABLED = "spark.sparkmnist.rebalanceCache";

    private final JavaSparkContext sc;
    private final JavaRDD<?> blocks;
    private final boolean enabled;
    private final AtomicBoolean joined = new AtomicBoolean();
    private final AtomicBoolean lost = new AtomicBoolean();
    private final SparkListener listener = new SparkListener() {
        @Override
        public void onExecutorAdded(SparkListenerExecutorAdded added) {
            joined.set(true);
        }

        @Override
        public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
            lost.set(true);
        }
    };
    private final List<Double> before = new ArrayList<>();
    private final List<Double> after = new ArrayList<>();
    private long lastRound = System.nanoTime();
    private int settleAfter = -1;

    /** Watches {@code sc}'s executors for the training run over {@code blocks}; close it when training ends. */
    public CacheRebalancer(JavaSparkContext sc, JavaRDD<?> blocks) {
        this.sc = sc;
        this.blocks = blocks;
        this.enabled = sc.getConf().getBoolean(ENABLED, true);
        sc.sc().addSparkListener(listener);
    }

    /** Times rounds; never reads the weights. */
    @Override
    public boolean needsWeights() {
        return false;
    }

    @Override
    public void afterRound(TrainingState state, RoundStats stats) {
        long now = System.nanoTime();
        double seconds = (now - lastRound) / 1e9;
        lastRound = now;
        if (!lost.get() && !joined.get()) {
            before.add(seconds);
        } else if (settleAfter == 0) {
            after.add(seconds);
        } else if (settleAfter > 0) {
            settleAfter--;
        }
        if (joined.get() && (!enabled || rebalance())) {
            joined.set(false);
            settleAfter = SETTLING_ROUNDS;
            after.clear();
        }
    }

    @Override
    public void finished(TrainingState state) {
        if (lost.get() && !before.isEmpty() && !after.isEmpty()) {
            LOG.info(String.format(Locale.ROOT, "round time, median: %.3f s before the executor loss (%d rounds), "
                    + "%.3f s after the %s (%d rounds)", median(before), before.size(), median(after),
                    enabled ? "rebalance" : "replacement joined (rebalancing off)", after.size()));
        }
    }

    /** True when done (or nothing to do); false to try again next round (a block manager not registered yet). */
    private boolean rebalance() {
        SparkEnv env = SparkEnv.get();
        if (env == null) {
            return true;
        }
        BlockManagerMaster master = env.blockManager().master();
        List<String> executors = new ArrayList<>();
        scala.collection.Iterator<BlockManagerId> ids = master.getMemoryStatus().keysIterator();
        while (ids.hasNext()) {
            BlockManagerId id = ids.next();
            if (!id.isDriver()) {
                executors.add(id.executorId());
            }
        }
        int registered = SparkReleases.executorCount(sc.sc());
        if (executors.isEmpty() || executors.size() < registered) {
            return executors.isEmpty();
        }
        int partitions = blocks.getNumPartitions();
        Map<String, List<Integer>> held = new HashMap<>();
        executors.forEach(e -> held.put(e, new ArrayList<>()));
        for (int p = 0; p < partitions; p++) {
            List<String> at = SparkReleases.blockHolders(master, new RDDBlockId(blocks.id(), p));
            if (!at.isEmpty()) {
                held.computeIfAbsent(at.get(0), e -> new ArrayList<>()).add(p);
            }
        }
        int share = (partitions + executors.size() - 1) / executors.size();
        int floor = partitions / executors.size();
        int lacking = 0;
        for (String e : executors) {
            lacking += Math.max(0, floor - held.get(e).size());
        }
        int uncached = partitions - held.values().stream().mapToInt(List::size).sum();
        int toMove = Math.max(0, lacking - uncached);
        List<Integer> moved = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : held.entrySet()) {
            List<Integer> mine = e.getValue();
            for (int i = mine.size() - 1; i >= share && moved.size() < toMove; i--) {
                master.removeBlock(new RDDBlockId(blocks.id(), mine.get(i)));
                moved.add(mine.get(i));
            }
        }
        if (!moved.isEmpty()) {
            LOG.info("executors changed: cached training block(s) {} dropped from an executor holding more than "
                    + "its share of {}; the next round re-reads them wherever a task slot is free", moved, share);
        } else {
            LOG.info("executors changed: {} executor(s), none holds more than its share of {} cached training "
                    + "block(s); {} block(s) not cached, re-read wherever a task slot is free", executors.size(),
                    share, uncached);
        }
        return true;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    @Override
    public void close() {
        sc.sc().removeSparkListener(listener);
    }
}
