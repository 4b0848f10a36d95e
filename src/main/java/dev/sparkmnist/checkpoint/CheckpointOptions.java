package dev.sparkmnist.checkpoint;

import org.apache.hadoop.fs.Path;

import dev.sparkmnist.train.InvalidConfigException;

/**
 * How a training run checkpoints and resumes. Validated once, here, with messages that name the option.
 *
 * @param dir              checkpoint directory (any Hadoop path), or null for {@code <out>.checkpoints} beside the
 *                         model directory
 * @param everyIterations  write a checkpoint at the first round boundary after every this many iterations; 0 = never
 * @param everySeconds     also write one when this many seconds have passed since the last; 0 = no time trigger
 * @param keep             how many checkpoints to keep; older ones are deleted
 * @param requireResume    {@code --resume}: fail when there is no checkpoint to resume from
 */
public record CheckpointOptions(String dir, long everyIterations, long everySeconds, int keep,
                                boolean requireResume) {
    /** No checkpoints written, none looked for: what embedding code and most tests want. */
    public static final CheckpointOptions DISABLED = new CheckpointOptions(null, 0, 0, 1, false);

    public CheckpointOptions {
        if (everyIterations < 0) {
            throw new InvalidConfigException("--checkpoint-every must be 0 (off) or positive, got " + everyIterations);
        }
        if (everySeconds < 0) {
            throw new InvalidConfigException("--checkpoint-seconds must be 0 (off) or positive, got " + everySeconds);
        }
        if (keep < 1) {
            throw new InvalidConfigException("--keep-checkpoints must be at least 1, got " + keep);
        }
    }

    /** True when checkpoints are written during training. */
    public boolean writes() {
        return everyIterations > 0 || everySeconds > 0;
    }

    /** The checkpoint directory for a run writing its model to {@code outDir}; null when there is none. */
    public String resolveDir(String outDir) {
        if (dir != null) {
            return dir;
        }
        if (outDir == null) {
            return null;
        }
        Path out = new Path(outDir);
        return new Path(out.getParent(), out.getName() + ".checkpoints").toString();
    }
}
