package dev.sparkmnist.cli;

import picocli.CommandLine.Option;

import dev.sparkmnist.checkpoint.CheckpointOptions;

/** The {@code train} options for checkpoints and resuming (see {@link CheckpointOptions}). */
public final class CheckpointCliOptions {
    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "Where checkpoints go (any Hadoop path; default: <out>.checkpoints beside the model).")
    String dir;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Checkpoint every N iterations, 0 = never (default: ${DEFAULT-VALUE}).", defaultValue = "500")
    long every;

    @Option(names = "--checkpoint-seconds", paramLabel = "S",
            description = "Also checkpoint when S seconds have passed since the last one, 0 = off "
                    + "(default: ${DEFAULT-VALUE}).", defaultValue = "0")
    long seconds;

    @Option(names = "--keep-checkpoints", paramLabel = "K",
            description = "Checkpoints kept; older ones are deleted (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    int keep;

    @Option(names = "--resume",
            description = "Continue from the newest checkpoint, and fail if there is none. Without it a run still "
                    + "resumes a checkpoint of the same configuration, and refuses one of another.")
    boolean resume;

    CheckpointOptions toOptions() {
        return new CheckpointOptions(dir, every, seconds, keep, resume);
    }
}
