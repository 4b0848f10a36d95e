package dev.sparkmnist.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a phase is in the convergence check that {@code --tol} (Spark's {@code tol}) asks for: the running loss of
 * the epoch under way, the previous epoch's mean, and whether training has converged. Immutable; {@link PhaseRounds}
 * makes the next one after every round, the same on every engine and task (it reads only the round losses, which
 * are bit-equal everywhere), and it travels in the {@link TrainingState}, so a checkpoint carries it and a resumed
 * run stops at the same round as an uninterrupted one.
 *
 * <p>An epoch of a phase is {@code ceil(training records / global batch)} iterations (one pass's worth of
 * samples). The check runs at the end of the round that reaches or passes the next multiple of that count: the
 * epoch's mean loss is the mean of its rounds' losses weighted by their steps (a round that straddles two epochs
 * counts wholly in the one it ends in), and training stops when
 * {@code (previous - mean) / max(|previous|, 1e-300) < tol}: a loss that went up counts as no improvement. The
 * first epoch of a phase has nothing to compare with (a new phase changes the rate and the L2 term, so its losses
 * are not compared with the previous phase's).
 *
 * @param epochLossSum sum of the losses of the epoch's rounds so far, each times its steps
 * @param epochSteps   steps those rounds covered
 * @param epochs       epochs of the phase checked so far
 * @param previousMean mean loss of the last checked epoch (0 before the first)
 * @param improvement  relative improvement found by the last check (0 before the second epoch)
 * @param converged    the last check found an improvement below {@code tol}: training stops after this round
 */
public record Convergence(double epochLossSum, long epochSteps, long epochs, double previousMean, double improvement,
                          boolean converged) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The start of a phase (and what a checkpoint written before {@code --tol} existed resumes with). */
    public static final Convergence START = new Convergence(0, 0, 0, 0, 0, false);

    /** The smallest denominator of the relative improvement, for a loss of (nearly) zero. */
    static final double TINY = 1e-300;

    /**
     * The state after a round of {@code steps} steps with mean loss {@code loss}; with {@code endsEpoch}, the epoch
     * ends with this round and is checked against {@code tol}.
     */
    Convergence after(double loss, int steps, boolean endsEpoch, double tol) {
        double sum = epochLossSum + loss * steps;
        long n = epochSteps + steps;
        if (!endsEpoch) {
            return new Convergence(sum, n, epochs, previousMean, improvement, false);
        }
        double mean = sum / n;
        if (epochs == 0) {
            return new Convergence(0, 0, 1, mean, 0, false);
        }
        double relative = (previousMean - mean) / Math.max(Math.abs(previousMean), TINY);
        return new Convergence(0, 0, epochs + 1, mean, relative, relative < tol);
    }

    /** One line for the log: "converged at epoch N (relative improvement X < tol Y)". */
    public String describe(double tol) {
        return String.format(java.util.Locale.ROOT, "converged at epoch %d (relative improvement %.4g < tol %s)",
                epochs, improvement, tol);
    }

    /**
     * What the check did in a finished run, for its {@code metrics} under {@code convergence}; null when {@code tol}
     * is 0 (off, nothing to say). The tolerance; whether training converged, and when it did, the phase (1-based,
     * among this run's phases), the epoch within it, the global iteration and the relative improvement; and under
     * {@code phases}, one entry per phase of this run in order: the iterations planned (as they run on
     * {@code partitions} partitions) and run, and how the phase ended: {@code completed}, {@code converged} (the
     * check stopped it) or {@code skipped} (a later phase the stop left out, 0 iterations run). Plain maps and
     * lists, the shape {@code model.json} reads back as, so a committee member's task can return it.
     */
    public static Map<String, Object> summary(TrainingConfig config, int partitions, TrainingState end) {
        if (config.tol() == 0) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tol", config.tol());
        Convergence c = end.convergence();
        m.put("converged", c.converged());
        if (c.converged()) {
            m.put("phase", end.phase() + 1);
            m.put("epoch", c.epochs());
            m.put("iteration", end.globalStep());
            m.put("relativeImprovement", c.improvement());
        }
        List<Map<String, Object>> phases = new ArrayList<>();
        for (int i = 0; i < config.phases().size(); i++) {
            long planned = config.scaleOut().plan(config.phases().get(i), partitions).iterations();
            boolean stopped = c.converged() && i == end.phase();
            boolean skipped = c.converged() && i > end.phase();
            phases.add(new PhaseRun(planned, skipped ? 0 : stopped ? end.phaseIteration() : planned,
                    skipped ? "skipped" : stopped ? "converged" : "completed").toJson());
        }
        m.put("phases", phases);
        return m;
    }

    /**
     * The phases of a run the check stopped, as its {@code metrics} record them ({@link #summary}, whether put there
     * by {@link #record} or read back from {@code model.json}), in order; empty when the metrics hold no summary, the
     * check did not stop the run (every phase ran as planned), or the summary is not of this shape.
     */
    public static List<PhaseRun> stoppedPhases(Map<String, Object> metrics) {
        if (metrics == null || !(metrics.get("convergence") instanceof Map<?, ?> c)
                || !Boolean.TRUE.equals(c.get("converged")) || !(c.get("phases") instanceof List<?> phases)) {
            return List.of();
        }
        List<PhaseRun> out = new ArrayList<>();
        for (Object o : phases) {
            if (!(o instanceof Map<?, ?> p) || !(p.get("iterationsPlanned") instanceof Number planned)
                    || !(p.get("iterationsRun") instanceof Number run) || !(p.get("end") instanceof String how)) {
                return List.of();
            }
            out.add(new PhaseRun(planned.longValue(), run.longValue(), how));
        }
        return List.copyOf(out);
    }

    /**
     * What one phase of a finished run did, an entry of {@link #summary}'s {@code phases}: so a report can show
     * what ran rather than what was configured.
     *
     * @param planned iterations the phase was to run, as it runs on the run's partitions
     * @param run     iterations it ran: {@code planned}, fewer when the check stopped it, 0 when skipped
     * @param end     {@code completed}, {@code converged} (the check stopped it) or {@code skipped} (after a stop)
     */
    public record PhaseRun(long planned, long run, String end) {
        /** The entry as {@code model.json} holds it. */
        Map<String, Object> toJson() {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("iterationsPlanned", planned);
            p.put("iterationsRun", run);
            p.put("end", end);
            return p;
        }
    }

    /** Puts {@code summary} ({@link #summary}) into a finished run's {@code metrics} as {@code convergence}. */
    public static void record(Map<String, Object> metrics, Map<String, Object> summary) {
        if (summary != null) {
            metrics.put("convergence", summary);
        }
    }
}
