package dev.sparkmnist.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.apache.spark.api.java.JavaSparkContext;

import dev.sparkmnist.checkpoint.CheckpointOptions;
import dev.sparkmnist.committee.CommitteeJob;
import dev.sparkmnist.committee.CommitteePlan;
import dev.sparkmnist.data.IdxRddLoader.LoadedSet;
import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.eval.CommitteeEvaluator;
import dev.sparkmnist.model.Combination;
import dev.sparkmnist.model.CommitteeInfo;
import dev.sparkmnist.model.CommitteeStore;
import dev.sparkmnist.model.SavedCommittee;
import dev.sparkmnist.pipeline.Presets;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.TrainingConfig;

/**
 * The {@code committee} section (issue 31): a committee of {@code best} members ({@code train --preset committee},
 * 7 members, seeds 42..48, distortions varied) and its first K members for K = 1, 3, 5, 7: each member's and each
 * committee's test accuracy under both combinations, members trained per hour on this machine, and the projection
 * of the wall time on K one-core executors (every member at once: the slowest member plus the stage's measured
 * overhead) against one member's time. Training 7 members takes over an hour on two shared cores, so
 * {@code --committee-reuse DIR} scores a committee directory written earlier by that command instead of training
 * one; the figures then come from its {@code model.json} (member times) and from scoring it here.
 */
final class CommitteeBench {
    private static final int[] SIZES = {1, 3, 5, 7};

    private final Function<String, String> options;

    private CommitteeBench(Function<String, String> options) {
        this.options = options;
    }

    /** The option {@code key} as given on the command line, else {@code fallback}. */
    private String opt(String key, String fallback) {
        String v = options.apply(key);
        return v != null ? v : fallback;
    }

    static Map<String, Object> run(JavaSparkContext sc, String dataDir, LoadedSet test,
                                   Function<String, String> options) {
        return new CommitteeBench(options).run(sc, dataDir, test);
    }

    private Map<String, Object> run(JavaSparkContext sc, String dataDir, LoadedSet test) {
        String reuse = opt("committee-reuse", null);
        String dir;
        Map<String, Object> m = new LinkedHashMap<>();
        if (reuse != null && Files.isDirectory(Path.of(reuse))) {
            dir = reuse;
            m.put("trained", "earlier, by: ./submit.sh --master local[2] train --preset committee --checkpoint-every "
                    + "2000 --out DIR (DIR given as --committee-reuse)");
        } else {
            dir = Path.of("target", "bench-committee", "committee-7").toString();
            Presets.Preset p = Presets.COMMITTEE;
            TrainingConfig base = new TrainingConfig(p.hidden(), 42, InputScaling.toLearn(), 1, 1_000_000,
                    p.phases(), p.scaleOut(), p.augmentation());
            CommitteeJob.run(sc, new CommitteeJob.Spec(dataDir, dir, CommitteePlan.variedDistortions(base,
                    CommitteePlan.PRESET_MEMBERS), p.sampling().sampler(), null), CheckpointOptions.DISABLED);
            m.put("trained", "in this run (CommitteeJob, as train --preset committee)");
        }
        m.put("command", "bench/run.sh --only committee" + (reuse != null ? " --committee-reuse DIR" : ""));
        SavedCommittee committee = CommitteeStore.load(dir);
        CommitteeInfo info = committee.info();
        m.put("combination", committee.combination().word());
        m.put("combinationChosenBy", info.chosenBy());
        m.put("combinationMeasured", info.measured());
        List<Map<String, Object>> members = new ArrayList<>();
        for (CommitteeInfo.Member e : info.members()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("seed", e.seed());
            x.put("hidden", e.hidden());
            x.put("augmentation", e.augmentation());
            x.put("testAccuracy", e.testAccuracy());
            x.put("trainingSeconds", e.trainingSeconds());
            members.add(x);
        }
        m.put("members", members);

        List<Map<String, Object>> table = new ArrayList<>();
        for (int k : SIZES) {
            if (k > committee.members().size()) {
                continue;
            }
            SavedCommittee first = committee.firstMembers(k);
            CommitteeEvaluator.Result r = CommitteeEvaluator.evaluate(sc, test.blocks(), first.networks(),
                    committee.metadata().scaling(), 0);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("k", k);
            row.put("seeds", info.members().subList(0, k).stream().map(CommitteeInfo.Member::seed).toList());
            List<Double> accuracies = r.members().stream().map(c -> c.accuracy()).toList();
            row.put("memberTestAccuracy", accuracies);
            row.put("memberMedian", median(accuracies));
            for (Combination c : Combination.values()) {
                row.put(c.word(), r.committee().get(c).confusion().accuracy());
            }
            row.put("committeeTestAccuracy", r.committee().get(committee.combination()).confusion().accuracy());
            table.add(row);
            System.err.printf(Locale.ROOT, "committee of %d: members median %.2f%%, committee %.2f%% (%s)%n", k,
                    100 * median(accuracies), 100 * (double) row.get("committeeTestAccuracy"),
                    committee.combination().word());
        }
        m.put("table", table);

        List<Double> seconds = info.members().stream().map(CommitteeInfo.Member::trainingSeconds).toList();
        double stage = ((Number) committee.metadata().metrics().get("trainingSeconds")).doubleValue();
        int k = seconds.size();
        int slots = Math.max(1, Integer.parseInt(opt("committee-slots", "2")));
        // Members ran in waves of `slots` in index order; the time not spent in the members' loops is overhead
        // (data broadcast, task start, results), which K free cores pay once.
        double waves = 0;
        for (int i = 0; i < k; i += slots) {
            waves += seconds.subList(i, Math.min(k, i + slots)).stream().max(Comparator.naturalOrder()).orElse(0.0);
        }
        double overhead = Math.max(0, stage - waves);
        double slowest = seconds.stream().max(Comparator.naturalOrder()).orElse(0.0);
        double oneMember = median(seconds);
        m.put("stageSeconds", stage);
        m.put("slotsHere", slots);
        m.put("memberSecondsMedian", oneMember);
        m.put("memberSecondsMax", slowest);
        m.put("stageOverheadSeconds", overhead);
        m.put("membersPerHourHere", 3600.0 * k / stage);
        m.put("projectedWallSecondsOnKOneCoreExecutors", slowest + overhead);
        m.put("projectedOverOneMember", (slowest + overhead) / oneMember);
        m.put("projectionNote", "on K free one-core executors every member runs at once: the slowest member's "
                + "time plus the stage's overhead measured here; against the median member's time on one core (target "
                + "within 1.2x). Member times here were measured with " + slots + " members at a time on a shared "
                + "2-core machine.");
        m.put("sideBySide", sideBySide(sc, dataDir));
        m.put("loadAverage", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
        return m;
    }

    /**
     * Do members slow each other down when they run side by side? Short committees of 1 and of 2 {@code best}
     * members ({@code --committee-probe-iterations}, default 2,340, a tenth of a member; seeds 42 and 43),
     * alternated {@code --committee-probe-repeats} times (default 3) in this run: the stage time of 2 members on
     * 2 cores over 1 member on 1 core (the other idle). On K one-core executors a committee's wall time is one
     * member's times this ratio (each member has a core of its own, as here), plus the stage's overhead.
     */
    private Map<String, Object> sideBySide(JavaSparkContext sc, String dataDir) {
        long iterations = Long.parseLong(opt("committee-probe-iterations", "2340"));
        int repeats = Integer.parseInt(opt("committee-probe-repeats", "3"));
        Presets.Preset p = Presets.BEST;
        PhaseConfig b = p.phases().get(0);
        PhaseConfig phase = new PhaseConfig(iterations, b.batchSize(), b.learningRate(), b.lambda(), b.momentum(),
                b.localSteps(), b.schedule(), b.nesterov(), b.labelSmoothing());
        TrainingConfig base = new TrainingConfig(p.hidden(), 42, InputScaling.toLearn(), 1, 1_000_000,
                List.of(phase), p.scaleOut(), p.augmentation());
        List<Double> one = new ArrayList<>();
        List<Double> two = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            for (int k = 1; k <= 2; k++) {
                CommitteeJob.Result result = CommitteeJob.run(sc, new CommitteeJob.Spec(dataDir, null,
                        CommitteePlan.seeds(base, k), p.sampling().sampler(), null), CheckpointOptions.DISABLED);
                (k == 1 ? one : two).add(result.trainingSeconds());
                System.err.printf(Locale.ROOT, "side by side, repeat %d: %d member(s) in %.1f s%n", r + 1, k,
                        result.trainingSeconds());
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iterationsPerMember", iterations);
        m.put("seeds", List.of(42, 43));
        m.put("oneMemberOneCoreSeconds", one);
        m.put("twoMembersTwoCoresSeconds", two);
        m.put("ratioTwoOverOne", median(two) / median(one));
        m.put("note", "stage time (members' training, no evaluation), medians of " + repeats + " alternated runs");
        return m;
    }

    private static double median(List<Double> values) {
        List<Double> s = values.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
