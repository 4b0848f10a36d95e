package dev.sparkmnist.model;

import java.util.List;

import dev.sparkmnist.nn.Network;

/**
 * A committee of networks read from one model directory: the members (each a complete model with its own
 * {@code model.json}), the combination of their probabilities, and the committee's {@code model.json}. A single
 * network's directory reads as a committee of one with a null {@link #info()}, scored exactly as the network alone.
 *
 * @param members     the members, in order; all take the same inputs and give the same classes
 * @param combination how their probabilities are combined
 * @param metadata    the committee's description (input scaling, class names, data, metrics); the first member's
 *                    layers
 * @param info        the {@code committee} entry, null for a single network
 */
public record SavedCommittee(List<SavedModel> members, Combination combination, ModelMetadata metadata,
                             CommitteeInfo info) {
    public SavedCommittee {
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a committee needs at least one member");
        }
    }

    /** A single network, as a committee of one. */
    public static SavedCommittee of(SavedModel single) {
        return new SavedCommittee(List.of(single), Combination.MEAN_PROBABILITY, single.metadata(), null);
    }

    /** True when this came from a committee's directory (even one of one member). */
    public boolean isCommittee() {
        return info != null;
    }

    /** The members' networks, in order. */
    public List<Network> networks() {
        return members.stream().map(SavedModel::network).toList();
    }

    public int inputs() {
        return members.get(0).network().sizes().inputs();
    }

    public int classes() {
        return members.get(0).network().sizes().outputs();
    }

    /** The first {@code k} members with the same combination: the committee of K for the benchmark's table. */
    public SavedCommittee firstMembers(int k) {
        if (k < 1 || k > members.size()) {
            throw new IllegalArgumentException("k must be 1.." + members.size() + ", got " + k);
        }
        return new SavedCommittee(members.subList(0, k), combination, metadata, info);
    }

    /** Short description, e.g. {@code committee of 7 x 784-800-10 (mean-log-probability)}. */
    public String describe() {
        String sizes = members.stream().map(m -> m.network().sizes().toString()).distinct()
                .reduce((a, b) -> a + ", " + b).orElse("");
        return isCommittee() ? "committee of " + members.size() + " x " + sizes + " (" + combination.word() + ")"
                : sizes;
    }
}
