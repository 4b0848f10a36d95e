package dev.sparkmnist.export;

import dev.sparkmnist.export.onnx.OnnxProto.TensorProto;

/**
 * The number type the exported graph computes in. {@code DOUBLE} keeps the weights exactly as trained and computes
 * as our own forward pass does, so ONNX Runtime reproduces our probabilities to rounding and our predictions one
 * for one; {@code FLOAT} halves the file and suits runtimes without double kernels (mobile, GPU, web) at the cost of
 * single-precision rounding. Inputs and the {@code probabilities} output are float either way.
 */
public enum Precision {
    DOUBLE(TensorProto.DataType.DOUBLE, Double.BYTES),
    FLOAT(TensorProto.DataType.FLOAT, Float.BYTES);

    private final TensorProto.DataType type;
    private final int bytes;

    Precision(TensorProto.DataType type, int bytes) {
        this.type = type;
        this.bytes = bytes;
    }

    /** The ONNX element type of the weights and intermediate values. */
    TensorProto.DataType type() {
        return type;
    }

    /** Bytes per stored value. */
    int bytes() {
        return bytes;
    }
}
