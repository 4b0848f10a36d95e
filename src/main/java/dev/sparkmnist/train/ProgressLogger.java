package dev.sparkmnist.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a progress line after the first round and then every {@code every} iterations (iteration, mean batch loss
 * since the last line, samples per second, elapsed time, ETA) and keeps those points as the run's loss history,
 * so the loss curve starts where training starts. In an interactive terminal it
 * shows a {@link ConsoleProgressBar} instead of the log lines. When the convergence check ({@code --tol}) stops
 * training, the round it stopped at is the last line and the curve's last point, and neither names the planned
 * total.
 */
public final class ProgressLogger implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressLogger.class);

    private final long every;
    private final long totalIterations;
    private final int phases;
    private final ConsoleProgressBar bar;
    private final List<LossPoint> history = new ArrayList<>();
    private long iterationsDone;
    private long resumedAt;
    private long samplesDone;
    private long nextLog;
    private double lossSum;
    private int lossRounds;

    /** Progress for a run; a bar when standard output is a terminal, log lines otherwise. */
    public ProgressLogger(long every, long totalIterations, int phases) {
        this(every, totalIterations, phases, ConsoleProgressBar.forTerminal());
    }

    /** Progress drawn on {@code bar}, or logged when it is null. */
    public ProgressLogger(long every, long totalIterations, int phases, ConsoleProgressBar bar) {
        this.bar = bar;
        this.every = every;
        this.totalIterations = totalIterations;
        this.phases = phases;
        this.nextLog = every;
    }

    /** Counts from {@code iterations} already done (a resumed run), so positions and the ETA stay right. */
    public void resumeAt(long iterations) {
        iterationsDone = iterations;
        resumedAt = iterations;
        nextLog = (iterations / every + 1) * every;
    }

    /** The history of logged (iteration, loss) points, oldest first. */
    public List<LossPoint> history() {
        return Collections.unmodifiableList(history);
    }

    @Override
    public void afterRound(TrainingState state, RoundStats stats) {
        iterationsDone += stats.iterations();
        samplesDone += stats.samples();
        lossSum += stats.batchLoss();
        lossRounds++;
        double seconds = stats.elapsedNanos() / 1e9;
        double rate = samplesDone / Math.max(seconds, 1e-9);
        // The convergence check (--tol) ended training with this round: it is the last, and the run's total is
        // what ran, not what was planned (a stop cannot be foreseen, so the ETA before it assumes every iteration).
        boolean converged = state.converged();
        long total = converged ? iterationsDone : totalIterations;
        double eta = converged ? 0 : seconds / (iterationsDone - resumedAt) * (totalIterations - iterationsDone);
        if (bar != null) {
            bar.update(state.phase(), phases, iterationsDone, total, lossSum / lossRounds, rate, eta);
        }
        boolean firstRound = history.isEmpty(); // the curve starts at the first round, not after `every`
        if (!firstRound && iterationsDone < nextLog && iterationsDone < total) {
            return;
        }
        while (nextLog <= iterationsDone) {
            nextLog += every;
        }
        double loss = lossSum / lossRounds;
        lossSum = 0;
        lossRounds = 0;
        history.add(new LossPoint(state.phase(), state.globalStep(), loss));
        if (bar != null) {
            return;
        }
        LOG.info(line(state.phase(), phases, iterationsDone, converged ? -1 : totalIterations, loss, rate, seconds,
                eta));
    }

    /**
     * A progress line; {@code total} -1 when the convergence check stopped training at {@code done}: the line then
     * says so instead of naming a total and an ETA.
     */
    static String line(int phase, int phases, long done, long total, double loss, double rate, double seconds,
                       double eta) {
        String position = total < 0 ? String.format(Locale.ROOT, "iteration %,d, the last (converged)", done)
                : String.format(Locale.ROOT, "iteration %,d/%,d", done, total);
        return String.format(Locale.ROOT, "phase %d/%d  %s  loss %.4f  %,.0f samples/s  elapsed %s%s", phase + 1,
                phases, position, loss, rate, clock(seconds), total < 0 ? "" : "  ETA " + clock(eta));
    }

    /** Reads only the step counts and the round's statistics. */
    @Override
    public boolean needsWeights() {
        return false;
    }

    @Override
    public void finished(TrainingState state) {
        if (bar != null) {
            bar.finish();
        }
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** One logged point: phase, global iteration and the mean batch loss since the previous point. */
    public record LossPoint(int phase, long iteration, double loss) {
    }
}
