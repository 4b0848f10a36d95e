package dev.sparkmnist.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.fs.HadoopConf;
import dev.sparkmnist.fs.ObjectStores;
import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelFormatException;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.NpyArrays;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.train.Convergence;

/**
 * A directory of checkpoints on any Hadoop path: one sub-directory {@code step-<global step>} per checkpoint,
 * holding {@code checkpoint.json} (with the state of the convergence check, {@code --tol}, when it is under way),
 * {@code params.npy}, {@code velocity.npy} and, for a run with block momentum, {@code block-momentum.npy}. Each is
 * written under a hidden temporary name and renamed into place, so a driver killed mid-write leaves no checkpoint
 * that looks complete; only the newest {@code keep} are kept. Checkpoints are never written where a model is
 * expected.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("step-(\\d{12})");
    private static final String INFO = "checkpoint.json";
    private static final String PARAMS = "params.npy";
    private static final String VELOCITY = "velocity.npy";
    /** The driver's block momentum buffer (BMUF); written only when the run has one. */
    private static final String BLOCK_MOMENTUM = "block-momentum.npy";
    private static final String TMP_PREFIX = ".tmp-";

    private final Path root;
    private final String dir;
    private final int keep;

    public CheckpointStore(String dir, int keep) {
        this.root = new Path(dir);
        this.dir = dir;
        this.keep = keep;
        ObjectStores.warnIfRenameIsCopy(dir, "checkpoint directory");
    }

    /** The checkpoint directory. */
    public String dir() {
        return dir;
    }

    /** Writes {@code checkpoint} atomically and deletes all but the newest {@code keep}. */
    public void save(Checkpoint checkpoint, Map<String, Object> configuration) {
        LayerSizes s = checkpoint.network().sizes();
        CheckpointInfo info = new CheckpointInfo(CheckpointInfo.FORMAT, CheckpointInfo.FORMAT_VERSION,
                checkpoint.fingerprint(), checkpoint.phase(), checkpoint.phaseIteration(), checkpoint.globalStep(),
                new int[] {s.inputs(), s.hidden(), s.outputs()}, Instant.now().toString(), configuration,
                checkpoint.convergence().equals(Convergence.START) ? null : checkpoint.convergence());
        String name = String.format("step-%012d", checkpoint.globalStep());
        try {
            FileSystem fs = fs();
            fs.setWriteChecksum(false);
            fs.mkdirs(root);
            Path tmp = new Path(root, TMP_PREFIX + name + "-" + UUID.randomUUID());
            fs.mkdirs(tmp);
            write(fs, new Path(tmp, PARAMS), NpyArrays.encode(checkpoint.network().parameters(), s.parameterCount()));
            write(fs, new Path(tmp, VELOCITY), NpyArrays.encode(checkpoint.velocity(), s.parameterCount()));
            if (checkpoint.blockMomentum().length > 0) {
                write(fs, new Path(tmp, BLOCK_MOMENTUM),
                        NpyArrays.encode(checkpoint.blockMomentum(), s.parameterCount()));
            }
            write(fs, new Path(tmp, INFO), Json.MAPPER.writeValueAsBytes(info));
            Path target = new Path(root, name);
            fs.delete(target, true);
            if (!fs.rename(tmp, target)) {
                throw new IOException("rename " + tmp + " -> " + target + " failed");
            }
            prune(fs);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write checkpoint: " + e.getMessage(), e);
        }
    }

    /** The newest checkpoint that loads; unreadable ones are skipped with a warning. Empty when there is none. */
    public Optional<Loaded> latest() {
        try {
            FileSystem fs = fs();
            for (Path p : complete(fs)) {
                try {
                    return Optional.of(load(fs, p));
                } catch (ModelFormatException e) {
                    LOG.warn("skipping unreadable checkpoint: {}", e.getMessage());
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list checkpoints: " + e.getMessage(), e);
        }
    }

    /** Global steps of the complete checkpoints, newest first. */
    public List<Long> steps() {
        try {
            return complete(fs()).stream().map(p -> step(p.getName())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list checkpoints: " + e.getMessage(), e);
        }
    }

    /** Deletes the whole checkpoint directory (once the model it led to is safely published). */
    public void clear() {
        try {
            fs().delete(root, true);
        } catch (IOException e) {
            LOG.warn("{}: could not delete checkpoints: {}", dir, e.getMessage());
        }
    }

    /** A checkpoint read back, with the configuration its writer described. */
    public record Loaded(Checkpoint checkpoint, CheckpointInfo info, String path) {
    }

    private Loaded load(FileSystem fs, Path p) throws IOException {
        String where = p.toString();
        CheckpointInfo info;
        try {
            info = Json.MAPPER.readValue(ModelStore.read(fs, new Path(p, INFO), where), CheckpointInfo.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ModelFormatException(where + "/" + INFO + ": not valid checkpoint JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (!CheckpointInfo.FORMAT.equals(info.format()) || info.formatVersion() != CheckpointInfo.FORMAT_VERSION) {
            throw new ModelFormatException(where + ": format " + info.format() + " version " + info.formatVersion()
                    + " is not " + CheckpointInfo.FORMAT + " version " + CheckpointInfo.FORMAT_VERSION);
        }
        int[] l = info.layers();
        if (l == null || l.length != 3 || l[0] < 1 || l[1] < 1 || l[2] < 2 || (long) l[0] * l[1] > 1L << 28
                || l[2] > 1000 || info.phase() < 0 || info.phaseIteration() < 0 || info.globalStep() < 0) {
            throw new ModelFormatException(where + ": impossible layers or position in " + INFO);
        }
        Convergence convergence = info.convergence();
        if (convergence != null && (convergence.epochSteps() < 0 || convergence.epochs() < 0
                || !Double.isFinite(convergence.epochLossSum()) || !Double.isFinite(convergence.previousMean())
                || !Double.isFinite(convergence.improvement()))) {
            throw new ModelFormatException(where + ": impossible convergence state in " + INFO);
        }
        LayerSizes sizes = new LayerSizes(l[0], l[1], l[2]);
        int n = sizes.parameterCount();
        double[] params = array(fs, p, PARAMS, n);
        double[] velocity = array(fs, p, VELOCITY, n);
        double[] blockMomentum = fs.exists(new Path(p, BLOCK_MOMENTUM)) ? array(fs, p, BLOCK_MOMENTUM, n)
                : new double[0];
        Checkpoint c = new Checkpoint(info.fingerprint(), info.phase(), info.phaseIteration(), info.globalStep(),
                new Network(sizes, params), velocity, blockMomentum, convergence);
        return new Loaded(c, info, where);
    }

    private static double[] array(FileSystem fs, Path dir, String name, int n) throws IOException {
        String where = dir + "/" + name;
        try {
            return NpyArrays.decode(ModelStore.read(fs, new Path(dir, name), dir.toString()), where, n);
        } catch (IOException e) {
            throw new ModelFormatException(e.getMessage(), e);
        }
    }

    /** Complete checkpoint directories, newest first; missing root means none. */
    private List<Path> complete(FileSystem fs) throws IOException {
        if (!fs.exists(root)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        for (FileStatus st : fs.listStatus(root)) {
            if (st.isDirectory() && NAME.matcher(st.getPath().getName()).matches()) {
                out.add(st.getPath());
            }
        }
        out.sort(Comparator.comparingLong((Path p) -> step(p.getName())).reversed());
        return out;
    }

    private void prune(FileSystem fs) throws IOException {
        List<Path> all = complete(fs);
        for (int i = keep; i < all.size(); i++) {
            fs.delete(all.get(i), true);
        }
        // Temporaries left by a driver killed mid-write.
        for (FileStatus st : fs.listStatus(root)) {
            if (st.getPath().getName().startsWith(TMP_PREFIX)
                    && st.getModificationTime() < System.currentTimeMillis() - 60_000) {
                fs.delete(st.getPath(), true);
            }
        }
    }

    private static long step(String name) {
        Matcher m = NAME.matcher(name);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private FileSystem fs() throws IOException {
        return root.getFileSystem(HadoopConf.get());
    }

    private static void write(FileSystem fs, Path p, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(p, true)) {
            out.write(bytes);
        }
    }
}
