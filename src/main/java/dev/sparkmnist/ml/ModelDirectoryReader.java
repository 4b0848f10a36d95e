package dev.sparkmnist.ml;

import java.util.Optional;

import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;

import dev.sparkmnist.model.CommitteeStore;
import dev.sparkmnist.model.ModelStore;

/**
 * Loads a model directory as a {@link MnistMlpClassificationModel}: the network through {@link ModelStore} (which
 * checks format, version and every array's shape), then the spark.ml uid and params when the directory has them
 * (written by {@link ModelDirectoryWriter}; a CLI-trained model has none and gets defaults).
 */
final class ModelDirectoryReader extends MLReader<MnistMlpClassificationModel> {
    @Override
    public MnistMlpClassificationModel load(String path) {
        var saved = CommitteeStore.load(path);
        Optional<byte[]> params = ModelStore.readExtra(path, ParamsFile.PATH);
        String uid = params.map(p -> ParamsFile.uid(p, path))
                .orElseGet(() -> Identifiable$.MODULE$.randomUID("mnistMlp"));
        MnistMlpClassificationModel model = new MnistMlpClassificationModel(uid, saved);
        params.ifPresent(p -> ParamsFile.apply(p, model, path));
        return model;
    }
}
