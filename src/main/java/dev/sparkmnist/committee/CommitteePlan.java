package dev.sparkmnist.committee;

import java.util.ArrayList;
import java.util.List;

import dev.sparkmnist.augment.Augmentation;
import dev.sparkmnist.train.InvalidConfigException;
import dev.sparkmnist.train.TrainingConfig;

/**
 * Which members a committee trains: K members on the base configuration, member i with seed {@code seed + i} and,
 * when distortions are varied, the i-th of {@link #VARIED_DISTORTIONS} (cycling). The base's own distortions are
 * member 0's, so a committee of one is the single network.
 *
 * @param base    the single-network configuration the members start from (its seed is member 0's)
 * @param members the members, in order
 */
public record CommitteePlan(TrainingConfig base, List<CommitteeMember> members) {
    /** Members of the {@code committee} preset when {@code --committee} does not say. */
    public static final int PRESET_MEMBERS = 7;
    /** Most members a committee may have. */
    public static final int MAX_MEMBERS = 1000;

    /**
     * The distortions the {@code committee} preset gives its members, in order: the {@code best} preset's (Simard's
     * elastic alpha 34, sigma 4 with small affine maps), then variations around them in the direction of Ciresan et
     * al. (2010), who used stronger affine maps and smoother elastic fields (sigma 5-6, alpha 36-38): members that
     * differ in what they were shown, not only in their seed, so that their errors differ (Meier et al. 2011).
     */
    public static final List<Augmentation> VARIED_DISTORTIONS = List.of(
            new Augmentation(10, 0.1, 0.1, 1.5, 34, 4),
            new Augmentation(15, 0.15, 0.15, 1.5, 34, 4),
            new Augmentation(10, 0.1, 0.1, 1.5, 38, 5),
            new Augmentation(8, 0.08, 0.15, 2, 30, 4),
            new Augmentation(12, 0.12, 0.12, 1.5, 36, 6),
            new Augmentation(10, 0.15, 0.05, 1, 34, 4.5),
            new Augmentation(15, 0.1, 0.1, 1.5, 38, 5));

    public CommitteePlan {
        members = List.copyOf(members);
        if (members.isEmpty() || members.size() > MAX_MEMBERS) {
            throw new InvalidConfigException("--committee must be 1.." + MAX_MEMBERS + " members, got "
                    + members.size());
        }
    }

    /** {@code k} members of {@code base} that differ in their seed only. */
    public static CommitteePlan seeds(TrainingConfig base, int k) {
        return of(base, k, false);
    }

    /** {@code k} members that differ in seed and distortions ({@link #VARIED_DISTORTIONS}). */
    public static CommitteePlan variedDistortions(TrainingConfig base, int k) {
        return of(base, k, true);
    }

    private static CommitteePlan of(TrainingConfig base, int k, boolean vary) {
        if (k < 1 || k > MAX_MEMBERS) {
            throw new InvalidConfigException("--committee must be 1.." + MAX_MEMBERS + " members, got " + k);
        }
        if (base.augmentation().isNone() && vary) {
            throw new InvalidConfigException("the committee preset varies the distortions; --augment none leaves "
                    + "nothing to vary (use --preset best --committee K for members that differ in seed only)");
        }
        List<CommitteeMember> members = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Augmentation a = vary && i > 0 ? VARIED_DISTORTIONS.get(i % VARIED_DISTORTIONS.size())
                    : base.augmentation();
            members.add(new CommitteeMember(i, base.seed() + i, base.hidden(), a));
        }
        return new CommitteePlan(base, members);
    }

    public int size() {
        return members.size();
    }
}
