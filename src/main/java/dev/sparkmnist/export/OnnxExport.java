package dev.sparkmnist.export;

import java.util.List;
import java.util.Map;


import dev.sparkmnist.export.onnx.OnnxProto.ModelProto;
import dev.sparkmnist.export.onnx.OnnxProto.OperatorSetIdProto;
import dev.sparkmnist.export.onnx.OnnxProto.StringStringEntryProto;
import dev.sparkmnist.export.onnx.OnnxProto.Version;
import dev.sparkmnist.model.ModelFormatException;
import dev.sparkmnist.model.CommitteeStore;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedCommittee;
import dev.sparkmnist.model.SavedModel;

/**
 * Exports a saved model directory as one ONNX file, loadable by ONNX Runtime (Java, Python, C#, JavaScript),
 * Triton and other serving stacks: input {@code pixels} float [N, 784] of raw values 0..255, outputs
 * {@code probabilities} float [N, K] and {@code label} int64 [N] (see {@link OnnxGraph}), the model's own input
 * scaling inside the graph and its provenance in the metadata (see {@link OnnxMetadata}). The file is built with the
 * classes protoc generates from ONNX's published {@code onnx.proto}, and written atomically.
 */
public final class OnnxExport {
    /** The name {@code retrain} gives the exported model inside each registry version. */
    public static final String FILE_NAME = "model.onnx";
    /** The ONNX producer name of an exported file. */
    static final String PRODUCER = "spark-mnist";
    /** The graph's input: float [N, inputs], raw pixel values 0..255. */
    public static final String INPUT = "pixels";
    /** The graph's first output: float [N, classes], each row summing to 1. */
    public static final String PROBABILITIES = "probabilities";
    /** The graph's second output: int64 [N], the most probable class. */
    public static final String LABEL = "label";
    /** The model.json field that names the output classes, when the model has names. */
    /** The field of {@code model.json} that holds the class names (read by {@code ModelStore}). */
    static final String CLASS_NAMES_FIELD = "classNames";

    private OnnxExport() {
    }

    /**
     * What was written.
     *
     * @param path  the file
     * @param bytes its size
     * @param model the model it holds
     */
    public record Written(String path, long bytes, ModelProto model) {
    }

    /**
     * Loads the model directory {@code modelDir} (refusing a missing or corrupt one with a
     * {@link ModelFormatException} before anything is written) and writes it to {@code out}, any Hadoop path,
     * under a temporary name that is renamed into place when complete.
     */
    public static Written write(String modelDir, String out, Precision precision) {
        SavedCommittee saved = CommitteeStore.load(modelDir);
        ModelProto model = saved.isCommittee() ? toOnnx(saved, saved.metadata().classNames(), precision)
                : toOnnx(saved.members().get(0), saved.metadata().classNames(), precision);
        byte[] bytes = model.toByteArray();
        AtomicFile.write(out, bytes);
        return new Written(out, bytes.length, model);
    }

    /** True when {@code bytes} are an ONNX model this program exported (so a new export may replace it). */
    public static boolean isExport(byte[] bytes) {
        try {
            return PRODUCER.equals(ModelProto.parseFrom(bytes).getProducerName());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return false;
        }
    }

    /**
     * The ONNX model of {@code saved}.
     *
     * @param classNames the output classes' names for the metadata, or null
     */
    public static ModelProto toOnnx(SavedModel saved, List<String> classNames, Precision precision) {
        InputAffine scaling = InputAffine.of(saved.metadata());
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(Version.IR_VERSION_VALUE)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxGraph.OPSET))
                .setProducerName(PRODUCER)
                .setDocString("MNIST-style classifier trained by spark-mnist. Input 'pixels': float [N, "
                        + saved.network().sizes().inputs() + "], raw values 0..255. Outputs 'probabilities' and "
                        + "'label' (the most probable class).")
                .setGraph(OnnxGraph.build(saved.network(), scaling, precision));
        if (saved.metadata().programVersion() != null) {
            m.setProducerVersion(saved.metadata().programVersion());
        }
        OnnxMetadata.of(saved.metadata(), saved.network().sizes(), scaling, precision, classNames).forEach(
                (k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    /**
     * The ONNX model of a committee: one graph, one branch per member, combined as the committee's
     * {@code model.json} says ({@link OnnxGraph#build(List, dev.sparkmnist.model.Combination, InputAffine,
     * Precision)}); the metadata adds {@code committee_members} and {@code committee_combination}.
     */
    public static ModelProto toOnnx(SavedCommittee committee, List<String> classNames, Precision precision) {
        InputAffine scaling = InputAffine.of(committee.metadata());
        int k = committee.members().size();
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(Version.IR_VERSION_VALUE)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxGraph.OPSET))
                .setProducerName(PRODUCER)
                .setDocString("MNIST-style classifier trained by spark-mnist: a committee of " + k + " networks, "
                        + "probabilities combined by " + committee.combination().word() + ". Input 'pixels': float "
                        + "[N, " + committee.inputs() + "], raw values 0..255. Outputs 'probabilities' and 'label' "
                        + "(the most probable class).")
                .setGraph(OnnxGraph.build(committee.networks(), committee.combination(), scaling, precision));
        if (committee.metadata().programVersion() != null) {
            m.setProducerVersion(committee.metadata().programVersion());
        }
        Map<String, String> props = OnnxMetadata.of(committee.metadata(), committee.networks().get(0).sizes(),
                scaling, precision, classNames);
        props.put("committee_members", Integer.toString(k));
        props.put("committee_combination", committee.combination().word());
        props.forEach((key, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(v)));
        return m.build();
    }
}
