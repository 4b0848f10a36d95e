package dev.sparkmnist.nn;

import java.io.Serializable;

/**
 * The shape of the network: inputs -> hidden (tanh) -> outputs (softmax), and where each parameter block sits in
 * the flat parameter vector. Matrices are column-major (BLAS order): W1 is inputs x hidden, W2 is hidden x outputs.
 */
public record LayerSizes(int inputs, int hidden, int outputs) implements Serializable {

    public LayerSizes {
        if (inputs < 1 || hidden < 1 || outputs < 2) {
            throw new IllegalArgumentException("layer sizes must be positive (outputs >= 2): "
                    + inputs + "-" + hidden + "-" + outputs);
        }
    }

    public int w1Offset() {
        return 0;
    }

    public int b1Offset() {
        return inputs * hidden;
    }

    public int w2Offset() {
        return b1Offset() + hidden;
    }

    public int b2Offset() {
        return w2Offset() + hidden * outputs;
    }

    /** Number of parameters: |W1| + |b1| + |W2| + |b2|. */
    public int parameterCount() {
        return b2Offset() + outputs;
    }

    /** True for indices that are weights (regularised), false for biases. */
    public boolean isWeight(int index) {
        return index < b1Offset() || (index >= w2Offset() && index < b2Offset());
    }

    @Override
    public String toString() {
        return inputs + "-" + hidden + "-" + outputs;
    }
}
