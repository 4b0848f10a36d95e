package dev.sparkmnist.collective;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.exchange.Credentials;
import dev.sparkmnist.exchange.Mesh;
import dev.sparkmnist.exchange.TrackerClient;
import dev.sparkmnist.train.PartitionResult;
import dev.sparkmnist.train.PhaseCursor;
import dev.sparkmnist.train.PhaseRounds;
import dev.sparkmnist.train.TrainingDivergedException;
import dev.sparkmnist.train.TrainingState;
import scala.Tuple2;

/**
 * One task of the collective stage: it keeps its logical partitions' blocks and a copy of the model in memory,
 * registers with the driver's tracker once, joins the mesh of its peers, and then runs every round of the phase
 * itself: its partitions' work ({@link PhaseRounds#compute}), the partition-ordered sum among the tasks
 * ({@link OrderedAllReduce}), and the update: on float gradients each task steps the slice it owns and the tasks
 * gather the new weights ({@link WeightGather}); otherwise every task applies the same whole update
 * ({@link PhaseRounds#apply}). Either way all copies of the weights the kernel reads stay identical. Task 0
 * reports each round to the driver and sends snapshots when asked. A phase ends at its last round, or earlier at
 * the round after which the convergence check ({@code tol}) stops training, which every task decides alike.
 */
final class CollectiveTask implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CollectiveTask.class);

    private final PhaseRounds rounds;
    private final TaskGroups groups;
    private final String trackerHost;
    private final int trackerPort;
    private final Credentials credentials;
    private final String runId;
    private final SnapshotPolicy snapshots;
    private final long timeoutMillis;
    private final TestHooks hooks;

    CollectiveTask(PhaseRounds rounds, TaskGroups groups, String trackerHost, int trackerPort,
                   Credentials credentials, String runId, SnapshotPolicy snapshots, long timeoutMillis,
                   TestHooks hooks) {
        this.rounds = rounds;
        this.groups = groups;
        this.trackerHost = trackerHost;
        this.trackerPort = trackerPort;
        this.credentials = credentials;
        this.runId = runId;
        this.snapshots = snapshots;
        this.timeoutMillis = timeoutMillis;
        this.hooks = hooks;
    }

    List<TaskOutcome> run(List<Tuple2<Integer, ImageBlock>> input) {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId();
        int attempt = ctx.stageAttemptNumber();
        List<Tuple2<Integer, ImageBlock>> sorted = new ArrayList<>(input);
        sorted.sort(Comparator.comparingInt(Tuple2::_1));
        List<Integer> partitions = new ArrayList<>();
        List<ImageBlock> blocks = new ArrayList<>();
        for (Tuple2<Integer, ImageBlock> t : sorted) {
            partitions.add(t._1());
            blocks.add(t._2());
        }
        for (int k = 0; k < partitions.size(); k++) {
            if (partitions.get(k) != groups.first(rank) + k || partitions.size() != groups.first(rank + 1)
                    - groups.first(rank)) {
                throw new IllegalStateException("task " + rank + " got partitions " + partitions + ", expected "
                        + groups.first(rank) + ".." + (groups.first(rank + 1) - 1));
            }
        }
        Credentials mine = credentials.withSecret(ExchangeSecurity.secret());
        String host = SparkEnv.get().blockManager().blockManagerId().host();
        try (Mesh mesh = Mesh.listen(runId + "/" + attempt, rank, groups.tasks(), host, mine, timeoutMillis);
             TrackerClient tracker = TrackerClient.connect(trackerHost, trackerPort, mine, rank,
                     (int) Math.min(Integer.MAX_VALUE, timeoutMillis))) {
            TrackerClient.Welcome welcome = tracker.register(attempt, mesh.address());
            mesh.connect(welcome.peers());
            if (rank == 0) {
                LOG.info("collective stage attempt {}: {} tasks ({} over TCP from task 0), partitions {}..{} here",
                        attempt, groups.tasks(), mesh.remotePeers(), groups.first(rank), groups.first(rank + 1) - 1);
            }
            return List.of(train(rank, attempt, mesh, tracker, (TrainingState) welcome.start(), partitions,
                    blocks));
        }
    }

    private TaskOutcome train(int rank, int attempt, Mesh mesh, TrackerClient tracker, TrainingState start,
                              List<Integer> partitions, List<ImageBlock> blocks) {
        PhaseCursor cursor = PhaseCursor.at(rounds, start);
        OrderedAllReduce allReduce = new OrderedAllReduce(mesh, groups, rounds);
        WeightGather gather = rounds.shardedUpdate()
                ? new WeightGather(mesh, allReduce, groups.tasks(), rounds.l2Chunks()) : null;
        long iterations = rounds.plan().iterations();
        long lastSnapshotStep = cursor.globalStep();
        long lastSnapshotTime = System.nanoTime();
        List<PartitionResult> results = new ArrayList<>(partitions.size());
        while (cursor.done() < iterations && !cursor.converged()) {
            hooks.beforeRound(rank, attempt, cursor.globalStep());
            PhaseRounds.Round round = rounds.round(cursor.done(), cursor.globalStep());
            double[] from = rounds.start(cursor);
            // A sharded round keeps the float weights up to date in the cursor: the kernel reads them in place.
            Object shipped = gather != null ? cursor.floatWeights() : rounds.ship(cursor, from);
            // Every peer has finished with last round's results once this task has its sums (OrderedAllReduce), so
            // their arrays are free again.
            for (int k = 0; k < partitions.size(); k++) {
                PartitionResult previous = k < results.size() ? results.get(k) : null;
                // A sharded round leaves sparse batches' W1 rows to the slice owners (Contribution.Rows).
                PartitionResult r = rounds.compute(round, partitions.get(k), blocks.get(k), shipped, previous,
                        gather != null);
                if (k < results.size()) {
                    results.set(k, r);
                } else {
                    results.add(r);
                }
            }
            long step = cursor.globalStep();
            // A round that ends an epoch may converge (--tol) and so end the phase: it takes a snapshot too, so task
            // 0's state is whole when every task stops after it (the losses, and so the decision, agree on all).
            boolean end = cursor.done() + round.steps() >= iterations
                    || rounds.endsEpoch(cursor.done(), round.steps());
            long now = System.nanoTime();
            // Task 0 decides; in a sharded round every task learns it from task 0's message.
            boolean snap = rank == 0
                    && snapshots.due(lastSnapshotStep, step + round.steps(), lastSnapshotTime, now, end);
            double loss;
            long samples;
            try {
                if (gather != null) {
                    OrderedAllReduce.Parts owned = allReduce.exchange(step, results);
                    boolean finite = rounds.updateSlice(cursor, round, owned.sum(), allReduce.from(rank),
                            allReduce.to(rank), gather.squares());
                    WeightGather.Agreed agreed = gather.exchange(step, cursor, finite, snap);
                    loss = rounds.finishRound(cursor, gather.squares(), agreed.finite(), owned.lossSum(),
                            owned.samples(), round);
                    samples = owned.samples();
                } else {
                    OrderedAllReduce.Sum sum = allReduce.reduce(step, results);
                    loss = rounds.apply(cursor, round, sum.values(), from, sum.lossSum(), sum.samples());
                    samples = sum.samples();
                }
            } catch (TrainingDivergedException e) {
                // Every task computed the same sum, so every task stops here: none is left waiting.
                return new TaskOutcome(rank, null, e.getMessage());
            }
            if (rank == 0) {
                if (snap) {
                    lastSnapshotStep = cursor.globalStep();
                    lastSnapshotTime = now;
                }
                tracker.report(new RoundReport(rounds.phaseIndex(), cursor.done(), cursor.globalStep(),
                        round.steps(), loss, samples, round.firstRate(), snap ? cursor.snapshot() : null));
            }
        }
        return new TaskOutcome(rank, rank == 0 ? cursor.snapshot() : null, null);
    }

    /**
     * Test hooks, off unless a test sets them. In the stage's first attempt, task {@code rank} stops answering at
     * global step {@code step} (sleeps), to check that its peers fail with a clear message after the exchange
     * timeout and that the retried stage ends with the same weights ({@code spark.sparkmnist.test.stallTask} and
     * {@code spark.sparkmnist.test.stallStep}). Every round sleeps {@code roundMillis} first
     * ({@code spark.sparkmnist.test.roundMillis}), so that a test killing an executor mid-stage gets a stage long
     * enough to land in, however fast the machine; sleeping changes no arithmetic.
     */
    record TestHooks(int rank, long step, long roundMillis) implements Serializable {
        void beforeRound(int me, int attempt, long globalStep) {
            if (me == rank && attempt == 0 && globalStep == step) {
                sleep(Long.MAX_VALUE);
            }
            if (roundMillis > 0) {
                sleep(roundMillis);
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("stalled task interrupted", e);
            }
        }
    }
}
