package dev.sparkmnist.committee;

import java.io.Serializable;

import dev.sparkmnist.augment.Augmentation;
import dev.sparkmnist.train.TrainingConfig;

/**
 * One member of a committee: what makes it differ from the others (seed, and optionally width and distortions).
 * Its training configuration is the committee's base configuration with these values on one partition, so the
 * member is exactly the network {@code train --partitions 1 --seed S [--hidden H] [--augment A]} would train.
 *
 * @param index        its position in the committee (0-based)
 * @param seed         initial weights, batch draws and distortions
 * @param hidden       hidden units
 * @param augmentation distortions of its training images
 */
public record CommitteeMember(int index, long seed, int hidden, Augmentation augmentation) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** This member's single-network configuration: {@code base} with its seed, width and distortions. */
    public TrainingConfig config(TrainingConfig base) {
        return new TrainingConfig(hidden, seed, base.scaling(), 1, base.logEvery(), base.phases(), base.scaleOut(),
                augmentation, base.tol());
    }

    /** The single-model command line options that train this member alone, for the logs and the docs. */
    public String options() {
        return "--partitions 1 --seed " + seed + " --hidden " + hidden + " --augment " + augmentation;
    }
}
