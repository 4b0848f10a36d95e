package dev.sparkmnist.committee;

import java.io.Serializable;

import org.apache.hadoop.fs.Path;

import dev.sparkmnist.checkpoint.CheckpointOptions;
import dev.sparkmnist.model.CommitteeInfo;

/**
 * Where and how often committee members checkpoint, shipped to their tasks: member i's checkpoints live in
 * {@code <root>/member-i}, so a retried task resumes its own member and no other.
 *
 * @param root            the committee's checkpoint directory, or null for none
 * @param everyIterations as {@link CheckpointOptions#everyIterations()}
 * @param everySeconds    as {@link CheckpointOptions#everySeconds()}
 * @param keep            as {@link CheckpointOptions#keep()}
 */
record MemberCheckpoints(String root, long everyIterations, long everySeconds, int keep) implements Serializable {
    private static final long serialVersionUID = 1L;

    static MemberCheckpoints of(CheckpointOptions options, String outDir) {
        return new MemberCheckpoints(options.resolveDir(outDir), options.everyIterations(), options.everySeconds(),
                options.keep());
    }

    /** True when members write checkpoints (and so also look for them). */
    boolean enabled() {
        return root != null && (everyIterations > 0 || everySeconds > 0);
    }

    /** Member {@code index}'s checkpoint directory. */
    String dir(int index) {
        return new Path(root, CommitteeInfo.memberDir(index)).toString();
    }

    /** The options member {@code index}'s task checkpoints with. */
    CheckpointOptions options(int index) {
        return new CheckpointOptions(dir(index), everyIterations, everySeconds, keep, false);
    }
}
