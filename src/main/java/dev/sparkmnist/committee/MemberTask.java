package dev.sparkmnist.committee;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.checkpoint.Checkpoint;
import dev.sparkmnist.checkpoint.CheckpointSession;
import dev.sparkmnist.checkpoint.CheckpointStore;
import dev.sparkmnist.checkpoint.ConfigFingerprint;
import dev.sparkmnist.data.ImageBlock;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.train.BatchSampler;
import dev.sparkmnist.train.Convergence;
import dev.sparkmnist.train.RoundStats;
import dev.sparkmnist.train.SingleTaskTrainer;
import dev.sparkmnist.train.TrainingConfig;
import dev.sparkmnist.train.TrainingListener;
import dev.sparkmnist.train.TrainingState;

/**
 * The Spark task that trains one committee member from start to end on a whole copy of the training set (one
 * broadcast block, fetched once per executor): {@link SingleTaskTrainer}, so the member is bit for bit the
 * network {@code train --partitions 1} trains with its configuration. With checkpoints on, the member resumes the
 * newest checkpoint of its own configuration in {@code <checkpoints>/member-i}, writes new ones as it goes and a
 * last one when it ends, so a retried task (a lost executor) repeats only the rounds since that member's last
 * checkpoint and a finished member is never trained again by a re-run of the same command.
 */
final class MemberTask implements FlatMapFunction<Iterator<CommitteeMember>, MemberTask.Outcome> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MemberTask.class);

    private final Broadcast<ImageBlock> train;
    private final TrainingConfig base;
    private final BatchSampler sampler;
    private final Map<String, String> dataSha256;
    private final MemberCheckpoints checkpoints;
    private final FailOnce failOnce;
    private final int classes;

    MemberTask(Broadcast<ImageBlock> train, int classes, TrainingConfig base, BatchSampler sampler,
               Map<String, String> dataSha256, MemberCheckpoints checkpoints, FailOnce failOnce) {
        this.train = train;
        this.classes = classes;
        this.base = base;
        this.sampler = sampler;
        this.dataSha256 = Map.copyOf(dataSha256);
        this.checkpoints = checkpoints;
        this.failOnce = failOnce;
    }

    /**
     * What a member's task returns.
     *
     * @param index     the member
     * @param sizes     its layer sizes
     * @param params    its trained parameters
     * @param seconds   the wall time of this attempt's training
     * @param attempt   the task attempt that trained it (0 unless it was retried)
     * @param resumedAt the global step this attempt started from (0 for a fresh start)
     * @param convergence what the convergence check did ({@link Convergence#summary}, as a single run's
     *                    {@code metrics.convergence}), or null without one ({@code tol} 0)
     */
    record Outcome(int index, LayerSizes sizes, double[] params, double seconds, int attempt, long resumedAt,
                   Map<String, Object> convergence) implements Serializable {
        Network network() {
            return new Network(sizes, params);
        }
    }

    @Override
    public Iterator<Outcome> call(Iterator<CommitteeMember> members) {
        List<Outcome> out = new ArrayList<>();
        while (members.hasNext()) {
            out.add(train(members.next()));
        }
        return out.iterator();
    }

    private Outcome train(CommitteeMember member) {
        ImageBlock block = train.value();
        TrainingConfig config = member.config(base);
        Network start = Network.initialise(new LayerSizes(block.pixelsPerImage(), member.hidden(), classes),
                member.seed());
        Map<String, Object> described = ConfigFingerprint.describe(config, dataSha256, sampler);
        String fingerprint = ConfigFingerprint.of(described, start);
        TrainingState fresh = TrainingState.start(start);
        CheckpointSession session = checkpoints.enabled()
                ? CheckpointSession.open(checkpoints.options(member.index()), null, described, fingerprint, fresh)
                : null;
        TrainingState from = session == null ? fresh : session.startState();
        int attempt = TaskContext.get() == null ? 0 : TaskContext.get().attemptNumber();
        LOG.info("committee member {} ({}), attempt {}: {}", member.index(), member.options(), attempt,
                from.globalStep() > 0 ? "resuming at iteration " + from.globalStep() : "starting");
        List<TrainingListener> listeners = new ArrayList<>();
        listeners.add(new Progress(member.index(), config.totalIterations(), config.logEvery() * 50));
        if (session != null) {
            listeners.add(session.listener());
        }
        if (failOnce != null && failOnce.member() == member.index() && attempt == 0) {
            listeners.add(failOnce.listener());
        }
        long t0 = System.nanoTime();
        TrainingState end = SingleTaskTrainer.train(config, sampler, block, from, listeners);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (session != null && end.globalStep() > from.globalStep()) {
            new CheckpointStore(checkpoints.dir(member.index()), checkpoints.keep())
                    .save(Checkpoint.of(fingerprint, end), described);
        }
        LOG.info("committee member {} trained in {} s{}", member.index(), String.format("%.1f", seconds),
                end.converged() ? ", " + end.convergence().describe(config.tol()) + " at iteration " + end.globalStep()
                        : "");
        return new Outcome(member.index(), end.network().sizes(), end.network().parameters(), seconds, attempt,
                from.globalStep(), Convergence.summary(config, 1, end));
    }

    /** Logs a member's progress every {@code every} iterations, in the executor's log. */
    private static final class Progress implements TrainingListener {
        private final int member;
        private final long total;
        private final long every;
        private long next;

        Progress(int member, long total, long every) {
            this.member = member;
            this.total = total;
            this.every = Math.max(1, every);
        }

        @Override
        public void afterRound(TrainingState state, RoundStats stats) {
            if (state.globalStep() >= next) {
                LOG.info("committee member {}: iteration {}/{}, loss {}", member, state.globalStep(), total,
                        String.format("%.4f", stats.batchLoss()));
                next = (state.globalStep() / every + 1) * every;
            }
        }

        @Override
        public boolean needsWeights() {
            return false;
        }
    }

    /**
     * A test hook: member {@code member}'s first task attempt fails once it has passed global step {@code step}
     * (after any checkpoint of that round is written), as a lost executor would end it. Set with
     * {@value CommitteeJob#FAIL_ONCE_PROPERTY}{@code =MEMBER@STEP}.
     */
    record FailOnce(int member, long step) implements Serializable {
        private static final long serialVersionUID = 1L;

        static FailOnce parse(String spec) {
            if (spec == null || spec.isBlank()) {
                return null;
            }
            String[] parts = spec.split("@");
            return new FailOnce(Integer.parseInt(parts[0].trim()), Long.parseLong(parts[1].trim()));
        }

        TrainingListener listener() {
            return new TrainingListener() {
                @Override
                public void afterRound(TrainingState state, RoundStats stats) {
                    if (state.globalStep() >= step) {
                        throw new IllegalStateException("test hook: committee member " + member
                                + " fails its first attempt at iteration " + state.globalStep());
                    }
                }

                @Override
                public boolean needsWeights() {
                    return false;
                }
            };
        }
    }
}
