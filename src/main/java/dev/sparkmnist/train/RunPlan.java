package dev.sparkmnist.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a run's phases ran on its partitions ({@link ScaleOut#plan}), for its {@code metrics} under {@value #KEY}:
 * a phase can run differently from how it was configured, e.g. with a per-partition batch ({@code
 * --partition-batch}) or a preset's large batch ({@link ScaleOut.LargeBatch}) the same samples go through fewer
 * steps of a larger global batch. Recorded for every run, so a report can show the phases as they ran and place
 * them on the loss curve, whose iterations are the ones that ran.
 *
 * <p>In {@code model.json}: {@code "plan": {"partitions": 8, "phases": [{"iterations": 2930, "globalBatch": 2048,
 * "partitionBatch": 0, "localSteps": 1, "learningRate": 1.0E-4, "warmupIterations": 0}]}}, one entry per phase
 * of this run (a continued model's earlier phases have none). A model written before the record existed has none,
 * and reads as {@link Optional#empty()}.
 *
 * @param partitions the partitions the run trained on
 * @param phases     each phase of the run as it ran, in order
 */
public record RunPlan(int partitions, List<Phase> phases) {
    /** The key of the record in a run's {@code metrics}. */
    public static final String KEY = "plan";

    public RunPlan {
        phases = List.copyOf(phases);
    }

    /**
     * One phase as it ran.
     *
     * @param iterations     steps planned for the phase (the convergence check may stop it sooner)
     * @param globalBatch    samples per step over all partitions
     * @param partitionBatch samples per partition per step, or 0 when the global batch was split over the partitions
     * @param localSteps     local steps per Spark job
     * @param learningRate   the (batch-summed) learning rate the schedule starts from after any warm-up: the
     *                       configured one times the plan's rate factor
     * @param warmupIterations steps over which the rate rose to {@code learningRate}, 0 for none
     */
    public record Phase(long iterations, int globalBatch, int partitionBatch, int localSteps, double learningRate,
                        long warmupIterations) {
        /** The phase of {@code plan}. */
        public static Phase of(PhasePlan plan) {
            return new Phase(plan.iterations(), plan.globalBatch(), plan.partitionBatch(), plan.localSteps(),
                    plan.phase().learningRate() * plan.rateFactor(), plan.warmupIterations());
        }

        /** True when {@code configured}'s iterations and batch are the ones that ran. */
        public boolean asConfigured(PhaseConfig configured) {
            return iterations == configured.iterations() && globalBatch == configured.batchSize();
        }

        private Map<String, Object> toJson() {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("iterations", iterations);
            p.put("globalBatch", globalBatch);
            p.put("partitionBatch", partitionBatch);
            p.put("localSteps", localSteps);
            p.put("learningRate", learningRate);
            p.put("warmupIterations", warmupIterations);
            return p;
        }
    }

    /** The phases of {@code config} as they run on {@code partitions} partitions. */
    public static RunPlan of(TrainingConfig config, int partitions) {
        List<Phase> phases = new ArrayList<>();
        for (PhaseConfig phase : config.phases()) {
            phases.add(Phase.of(config.scaleOut().plan(phase, partitions)));
        }
        return new RunPlan(partitions, phases);
    }

    /**
     * Puts this plan into a finished run's {@code metrics} under {@value #KEY}, as plain maps and lists (the shape
     * {@code model.json} reads back as).
     */
    public void record(Map<String, Object> metrics) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("partitions", partitions);
        m.put("phases", phases.stream().map(Phase::toJson).toList());
        metrics.put(KEY, m);
    }

    /**
     * The plan a run's {@code metrics} record ({@link #record}, whether put there by it or read back from
     * {@code model.json}); empty when there is none (a model written before it) or it is not of this shape.
     */
    public static Optional<RunPlan> read(Map<String, Object> metrics) {
        if (metrics == null || !(metrics.get(KEY) instanceof Map<?, ?> m)
                || !(m.get("partitions") instanceof Number partitions) || !(m.get("phases") instanceof List<?> list)) {
            return Optional.empty();
        }
        List<Phase> phases = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> p) || !(p.get("iterations") instanceof Number iterations)
                    || !(p.get("globalBatch") instanceof Number global)
                    || !(p.get("partitionBatch") instanceof Number perPartition)
                    || !(p.get("localSteps") instanceof Number local)
                    || !(p.get("learningRate") instanceof Number rate)
                    || !(p.get("warmupIterations") instanceof Number warmup)) {
                return Optional.empty();
            }
            phases.add(new Phase(iterations.longValue(), global.intValue(), perPartition.intValue(),
                    local.intValue(), rate.doubleValue(), warmup.longValue()));
        }
        return Optional.of(new RunPlan(partitions.intValue(), phases));
    }

    /** The phases {@link #read} finds in {@code metrics}, or none. */
    public static List<Phase> phasesOf(Map<String, Object> metrics) {
        return read(metrics).map(RunPlan::phases).orElse(List.of());
    }
}
