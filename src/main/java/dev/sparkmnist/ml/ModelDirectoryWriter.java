package dev.sparkmnist.ml;

import java.io.IOException;
import java.util.Map;

import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.MLWriter;

import dev.sparkmnist.model.CommitteeStore;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedCommittee;
import dev.sparkmnist.model.SavedModel;

/**
 * Saves a {@link MnistMlpClassificationModel} as the model directory {@code ./submit.sh train} writes
 * ({@link ModelStore}: {@code model.json} and the {@code .npy} weights, written under a temporary name and renamed
 * into place), plus its spark.ml params ({@link ParamsFile}). An existing path is refused unless
 * {@code write().overwrite()} was asked for, as in spark.ml; then it is replaced only once the new directory is
 * complete (spark.ml's own {@code save} would delete it first).
 */
final class ModelDirectoryWriter extends MLWriter {
    private final MnistMlpClassificationModel model;

    ModelDirectoryWriter(MnistMlpClassificationModel model) {
        this.model = model;
    }

    @Override
    public void save(String path) throws IOException {
        Path p = new Path(path);
        if (!shouldOverwrite() && p.getFileSystem(sc().hadoopConfiguration()).exists(p)) {
            throw new IOException(path + " already exists; to replace it, use write().overwrite().save(path)");
        }
        saveImpl(path);
    }

    @Override
    public void saveImpl(String path) {
        SavedModel saved = model.savedModel();
        if (saved.metadata() == null) {
            throw new IllegalStateException("model " + model.uid() + " has lost its model.json description "
                    + "(it was deserialised away from the driver); save it where it was fitted or loaded");
        }
        Map<String, byte[]> params = Map.of(ParamsFile.PATH, ParamsFile.encode(model, sc().version()));
        SavedCommittee committee = model.committee();
        if (committee.isCommittee()) {
            CommitteeStore.save(path, committee.metadata(), committee.info(), committee.members(), params);
        } else {
            ModelStore.save(path, saved, params);
        }
    }
}
