package dev.sparkmnist.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import dev.sparkmnist.fs.HadoopConf;
import dev.sparkmnist.fs.UserFiles;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.registry.ModelRegistry;
import dev.sparkmnist.train.InvalidConfigException;

/**
 * An output location checked and locked for one command before its work, so that nothing is lost to it:
 * <ul>
 * <li>an existing output is replaced only when it holds an earlier output of the same command (the marker file
 * {@value #MARKER} a directory gets, or the {@code isOurs} test of a file), is an empty directory, or with
 * {@code --overwrite};</li>
 * <li>a model directory (another command's), a registry, or the command's input is never replaced, and nothing is
 * written inside a model directory or a registry;</li>
 * <li>of two runs writing one output, exactly one holds its {@link OutputLock}; the other fails at once.</li>
 * </ul>
 * The command still writes under a temporary name and renames into place; the claim only decides whether it may.
 */
public final class OutputClaim implements AutoCloseable {
    /** The file in an output directory that says which command wrote it. */
    public static final String MARKER = "_spark-mnist-output";

    private final FileSystem fs;
    private final Path target;
    private final String command;
    private final OutputLock lock;

    private OutputClaim(FileSystem fs, Path target, String command, OutputLock lock) {
        this.fs = fs;
        this.target = target;
        this.command = command;
        this.lock = lock;
    }

    /**
     * Claims directory {@code out} (given as option {@code option}) for {@code command}; {@code inputs} (null
     * entries ignored) are never replaced. {@code modelOutput}: the command writes a model directory (train), so
     * a model directory there may be replaced by its own earlier output, or any with {@code overwrite}.
     */
    public static OutputClaim directory(String command, String option, String out, boolean overwrite,
                                        boolean modelOutput, String... inputs) {
        return claim(command, option, out, inputs, (fs, target, status) -> {
            if (!status.isDirectory()) {
                throw new InvalidConfigException(option + " " + out + ": is a file, not a directory");
            }
            if (ModelRegistry.isRegistry(fs, target)) {
                throw new InvalidConfigException(option + " " + out + ": is a model registry; it is never replaced");
            }
            if (!modelOutput && fs.exists(new Path(target, ModelStore.MODEL_JSON))) {
                throw new InvalidConfigException(option + " " + out + ": is a model directory; it is never "
                        + "replaced by " + command + " (give another " + option + ")");
            }
            if (!writtenBy(fs, target, command) && !overwrite && fs.listStatus(target).length > 0) {
                throw new InvalidConfigException(String.format("%s %s: exists and holds files %s did not write "
                        + "(no %s marker); give another %s, or add --overwrite to replace it", option, out, command,
                        MARKER, option));
            }
        });
    }

    /**
     * Claims file {@code out} for {@code command}: never a directory, an input, or a file inside a model directory
     * or registry; an existing file is replaced only when {@code isOurs} says this command wrote it, or with
     * {@code overwrite}.
     */
    public static OutputClaim file(String command, String option, String out, boolean overwrite,
                                   Predicate<byte[]> isOurs, String... inputs) {
        return claim(command, option, out, inputs, (fs, target, status) -> {
            if (status.isDirectory()) {
                throw new InvalidConfigException(option + " " + out + ": is a directory; give a file name");
            }
            if (!overwrite && !isOurs.test(ModelStore.read(fs, target, out))) {
                throw new InvalidConfigException(String.format("%s %s: exists and was not written by %s; give "
                        + "another %s, or add --overwrite to replace it", option, out, command, option));
            }
        });
    }

    /** What may replace an existing output: throws when this one may not be. */
    @FunctionalInterface
    private interface ExistingCheck {
        void check(FileSystem fs, Path target, FileStatus existing) throws IOException;
    }

    /** The checks every output gets, then {@code existing}'s when something is there, then the lock. */
    private static OutputClaim claim(String command, String option, String out, String[] inputs,
                                     ExistingCheck existing) {
        Path target = qualified(out);
        FileSystem fs = HadoopConf.fileSystem(target);
        try {
            refuseInsideProtected(fs, target, option);
            refuseInputs(target, option, inputs);
            FileStatus status = statusOrNull(fs, target);
            if (status != null) {
                existing.check(fs, target, status);
            }
            return new OutputClaim(fs, target, command, OutputLock.take(fs, target, command, option));
        } catch (IOException e) {
            throw new UncheckedIOException(option + " " + out + ": " + e.getMessage(), e);
        }
    }

    /** Marks the directory as this command's output, so its next run may replace it; call once it is written. */
    public void written() {
        UserFiles.write(new Path(target, MARKER), (command + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Releases the lock. */
    @Override
    public void close() {
        lock.close();
    }

    private static Path qualified(String out) {
        Path given = new Path(out);
        Path target = HadoopConf.fileSystem(given).makeQualified(given);
        if (target.getParent() == null) {
            throw new InvalidConfigException(out + ": the root of a file system is never an output");
        }
        return target;
    }

    private static boolean writtenBy(FileSystem fs, Path dir, String command) throws IOException {
        Path marker = new Path(dir, MARKER);
        return fs.exists(marker)
                && new String(ModelStore.read(fs, marker, dir.toString()), StandardCharsets.UTF_8).strip()
                .equals(command);
    }

    /** Refuses a target inside a model directory or a registry (any of its existing ancestors). */
    private static void refuseInsideProtected(FileSystem fs, Path target, String option) throws IOException {
        for (Path p = target.getParent(); p != null; p = p.getParent()) {
            if (fs.exists(new Path(p, ModelStore.MODEL_JSON))) {
                throw new InvalidConfigException(option + " " + target + ": is inside the model directory " + p
                        + "; nothing is written into a model directory");
            }
            if (ModelRegistry.isRegistry(fs, p)) {
                throw new InvalidConfigException(option + " " + target + ": is inside the model registry " + p
                        + "; only retrain writes there");
            }
        }
    }

    /** Refuses a target that is an input, or holds one (replacing it would delete the input). */
    private static void refuseInputs(Path target, String option, String... inputs) {
        String prefix = target.toUri().getPath() + "/";
        for (String input : inputs) {
            if (input == null) {
                continue;
            }
            Path in = HadoopConf.fileSystem(new Path(input)).makeQualified(new Path(input));
            String path = in.toUri().getPath();
            if (in.equals(target) || path.startsWith(prefix)) {
                throw new InvalidConfigException(option + " " + target + ": would replace the input " + input
                        + "; give another " + option);
            }
        }
    }

    private static FileStatus statusOrNull(FileSystem fs, Path p) throws IOException {
        try {
            return fs.getFileStatus(p);
        } catch (java.io.FileNotFoundException e) {
            return null;
        }
    }
}
