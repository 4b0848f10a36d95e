package dev.sparkmnist.model;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import dev.sparkmnist.fs.HadoopConf;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;

/**
 * Saves and loads model directories on any Hadoop path. A directory holds {@code model.json}, the four weight
 * arrays as {@code .npy} files ({@code W1.npy} inputs x hidden, {@code b1.npy}, {@code W2.npy} hidden x outputs,
 * {@code b2.npy}) and any extra files such as {@code metrics.json}.
 *
 * <p>Saving writes everything into a hidden temporary directory beside the target and renames it into place,
 * so a crash never leaves a half-written model under the real name; a model already there is replaced only
 * after the new one is complete.
 */
public final class ModelStore {
    public static final String MODEL_JSON = "model.json";

    private ModelStore() {
    }

    /** Writes {@code model} plus {@code extraFiles} (name to content) to {@code dir}, atomically. */
    public static void save(String dir, SavedModel model, Map<String, byte[]> extraFiles) {
        writeDirectory(dir, "model", (fs, tmp) -> {
            Map<String, byte[]> files = new LinkedHashMap<>(weightFiles(model.network()));
            files.putAll(extraFiles);
            files.put(MODEL_JSON, Json.MAPPER.writeValueAsBytes(model.metadata()));
            writeFiles(fs, tmp, files);
        });
    }

    /** What goes into a directory being written: its content, under {@code tmp}. */
    interface DirectoryContent {
        void writeInto(FileSystem fs, Path tmp) throws IOException;
    }

    /**
     * Writes {@code dir} atomically: {@code content} into a hidden temporary directory beside it, then moved into
     * place ({@link #moveIntoPlace}); a failure names {@code dir} and {@code what} was being saved.
     */
    static void writeDirectory(String dir, String what, DirectoryContent content) {
        Path target = new Path(dir);
        try {
            FileSystem fs = target.getFileSystem(HadoopConf.get());
            fs.setWriteChecksum(false);
            Path parent = target.getParent();
            if (parent != null) {
                fs.mkdirs(parent);
            }
            Path tmp = new Path(parent, "." + target.getName() + ".tmp-" + UUID.randomUUID());
            fs.mkdirs(tmp);
            content.writeInto(fs, tmp);
            moveIntoPlace(fs, tmp, target);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot save " + what + ": " + e.getMessage(), e);
        }
    }

    /** Writes each of {@code files} (name to content) into {@code dir}. */
    static void writeFiles(FileSystem fs, Path dir, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            try (OutputStream out = fs.create(new Path(dir, f.getKey()), true)) {
                out.write(f.getValue());
            }
        }
    }

    /**
     * Renames the complete directory {@code tmp} to {@code target}, its sibling; a directory already at
     * {@code target} is first renamed aside and deleted only after, so {@code target} always names a complete one.
     */
    public static void moveIntoPlace(FileSystem fs, Path tmp, Path target) throws IOException {
        Path old = null;
        if (fs.exists(target)) {
            old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
            rename(fs, target, old);
        }
        rename(fs, tmp, target);
        if (old != null) {
            fs.delete(old, true);
        }
    }

    /**
     * The content of an extra file saved with the model (such as {@code curves.json}), or empty when the model has
     * none: models written before that file existed stay readable.
     */
    public static java.util.Optional<byte[]> readExtra(String dir, String name) {
        Path p = new Path(dir, name);
        try {
            FileSystem fs = p.getFileSystem(HadoopConf.get());
            return fs.exists(p) ? java.util.Optional.of(read(fs, p, dir)) : java.util.Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /** Loads and checks a model directory: format, version, and every array's shape against the layer sizes. */
    public static SavedModel load(String dir) {
        Path root = new Path(dir);
        try {
            FileSystem fs = root.getFileSystem(HadoopConf.get());
            if (!fs.exists(root)) {
                throw new ModelFormatException(dir + ": no such model directory");
            }
            requireModelNotPipeline(fs, root, dir);
            if (CommitteeStore.isCommittee(dir)) {
                throw new ModelFormatException(dir + ": a committee of networks (model.json has a committee entry); "
                        + "this reads one network: give one of its member-N directories");
            }
            ModelMetadata meta;
            try {
                meta = Json.MAPPER.readValue(read(fs, new Path(root, MODEL_JSON), dir), ModelMetadata.class);
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw new ModelFormatException(dir + "/" + MODEL_JSON + ": not valid model JSON: "
                        + e.getOriginalMessage(), e);
            }
            if (!ModelMetadata.FORMAT.equals(meta.format())) {
                throw new ModelFormatException(dir + "/" + MODEL_JSON + ": format is '" + meta.format()
                        + "', expected '" + ModelMetadata.FORMAT + "'");
            }
            if (meta.formatVersion() != ModelMetadata.FORMAT_VERSION) {
                throw new ModelFormatException(dir + "/" + MODEL_JSON + ": format version " + meta.formatVersion()
                        + " is not supported (this program reads version " + ModelMetadata.FORMAT_VERSION + ")");
            }
            int[] l = meta.layers();
            if (l == null || l.length != 3 || l[0] < 1 || l[1] < 1 || l[2] < 2 || l[0] > 1 << 20
                    || l[1] > 100_000 || l[2] > 1000) {
                throw new ModelFormatException(dir + "/" + MODEL_JSON + ": layers must be [inputs, hidden, outputs]"
                        + " with sensible sizes, found " + java.util.Arrays.toString(l));
            }
            long count = (long) l[0] * l[1] + l[1] + (long) l[1] * l[2] + l[2];
            if (count > Integer.MAX_VALUE - 16) {
                throw new ModelFormatException(dir + "/" + MODEL_JSON + ": layers " + java.util.Arrays.toString(l)
                        + " need " + count + " parameters, more than one array can hold");
            }
            try {
                meta.scaling();
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(dir + "/" + MODEL_JSON + ": inputScaling '" + meta.inputScaling()
                        + "' is unusable: " + e.getMessage(), e);
            }
            if (meta.classNames() != null && (meta.classNames().size() != l[2]
                    || meta.classNames().stream().anyMatch(n -> n == null || n.isBlank()))) {
                throw new ModelFormatException(dir + "/" + MODEL_JSON + ": classNames must hold " + l[2]
                        + " non-empty names, found " + meta.classNames());
            }
            LayerSizes sizes = new LayerSizes(l[0], l[1], l[2]);
            // Each array is decoded from its file (whose length must match its shape) before the parameter
            // vector is allocated, so memory never exceeds what the files on disk justify.
            Map<String, String> files = weightFileNames(meta, dir);
            double[][] blocks = {
                array(fs, root, dir, files.get("W1"), sizes.inputs(), sizes.hidden()),
                array(fs, root, dir, files.get("b1"), sizes.hidden()),
                array(fs, root, dir, files.get("W2"), sizes.hidden(), sizes.outputs()),
                array(fs, root, dir, files.get("b2"), sizes.outputs())};
            double[] p = new double[sizes.parameterCount()];
            int at = 0;
            for (double[] b : blocks) {
                System.arraycopy(b, 0, p, at, b.length);
                at += b.length;
            }
            return new SavedModel(new Network(sizes, p), meta);
        } catch (IOException e) {
            throw new ModelFormatException(dir + ": cannot load model: " + e.getMessage(), e);
        }
    }

    /**
     * Where {@code model.json}'s {@code weightFiles} says each array is (W1, b1, W2, b2; the standard names when it
     * says nothing): plain {@code .npy} file names in the model directory, never a path out of it.
     */
    private static Map<String, String> weightFileNames(ModelMetadata meta, String dir) {
        Map<String, String> given = meta.weightFiles() == null ? ModelMetadata.WEIGHT_FILES : meta.weightFiles();
        Map<String, String> files = new LinkedHashMap<>();
        for (String array : ModelMetadata.WEIGHT_FILES.keySet()) {
            String name = given.get(array);
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*\\.npy")) {
                throw new ModelFormatException(dir + "/" + MODEL_JSON + ": weightFiles must name a .npy file in the "
                        + "model directory for " + array + ", found " + (name == null ? "none" : "'" + name + "'"));
            }
            files.put(array, name);
        }
        return files;
    }

    /**
     * Refuses the root folder of a saved spark.ml {@code PipelineModel} (or {@code CrossValidatorModel}) by pointing
     * to the stage that holds the model directory, rather than saying only that {@code model.json} is missing.
     */
    private static void requireModelNotPipeline(FileSystem fs, Path root, String dir) throws IOException {
        Path stages = new Path(root, "stages");
        if (fs.exists(new Path(root, MODEL_JSON)) || !fs.isDirectory(stages)) {
            return;
        }
        for (org.apache.hadoop.fs.FileStatus stage : fs.listStatus(stages)) {
            if (fs.exists(new Path(stage.getPath(), MODEL_JSON))) {
                throw new ModelFormatException(dir + ": a saved spark.ml pipeline, not a model directory; its model "
                        + "is the stage " + dir + "/stages/" + stage.getPath().getName());
            }
        }
        throw new ModelFormatException(dir + ": a saved spark.ml pipeline without a spark-mnist model among its "
                + "stages (" + dir + "/stages)");
    }

    /** The four weight arrays, encoded as .npy. */
    static Map<String, byte[]> weightFiles(Network net) {
        LayerSizes s = net.sizes();
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("W1.npy", NpyArrays.encode(net.block(s.w1Offset(), s.b1Offset()), s.inputs(), s.hidden()));
        files.put("b1.npy", NpyArrays.encode(net.block(s.b1Offset(), s.w2Offset()), s.hidden()));
        files.put("W2.npy", NpyArrays.encode(net.block(s.w2Offset(), s.b2Offset()), s.hidden(), s.outputs()));
        files.put("b2.npy", NpyArrays.encode(net.block(s.b2Offset(), s.parameterCount()), s.outputs()));
        return files;
    }

    /** One weight array, its shape checked and every value finite (a NaN or infinity would score as garbage). */
    private static double[] array(FileSystem fs, Path root, String dir, String name, int... shape)
            throws IOException {
        double[] values = NpyArrays.decode(read(fs, new Path(root, name), dir), dir + "/" + name, shape);
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new ModelFormatException(String.format("%s/%s: element %d is %s; a model's weights must be "
                        + "finite numbers", dir, name, i, values[i]));
            }
        }
        return values;
    }

    /** Reads a small file whole, refusing anything over 2 GiB. */
    public static byte[] read(FileSystem fs, Path p, String dir) throws IOException {
        try {
            long len = fs.getFileStatus(p).getLen();
            if (len > Integer.MAX_VALUE - 16) {
                throw new ModelFormatException(p + ": " + len + " bytes is too large for a model file");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) len);
            try (InputStream in = fs.open(p)) {
                in.transferTo(out);
            }
            return out.toByteArray();
        } catch (FileNotFoundException e) {
            throw new ModelFormatException(dir + ": missing " + p.getName());
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("rename " + from + " -> " + to + " failed");
        }
    }
}
