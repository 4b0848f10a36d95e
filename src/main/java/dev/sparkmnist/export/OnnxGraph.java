package dev.sparkmnist.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;

import com.google.protobuf.ByteString;

import dev.sparkmnist.export.onnx.OnnxProto.AttributeProto;
import dev.sparkmnist.export.onnx.OnnxProto.GraphProto;
import dev.sparkmnist.export.onnx.OnnxProto.NodeProto;
import dev.sparkmnist.export.onnx.OnnxProto.TensorProto;
import dev.sparkmnist.export.onnx.OnnxProto.TensorShapeProto;
import dev.sparkmnist.export.onnx.OnnxProto.TypeProto;
import dev.sparkmnist.export.onnx.OnnxProto.ValueInfoProto;
import dev.sparkmnist.model.Combination;
import dev.sparkmnist.nn.LayerSizes;
import dev.sparkmnist.nn.Network;

/**
 * The network as an ONNX graph (opset {@value #OPSET}) over raw pixels:
 * <pre>
 *   pixels float[N, inputs] -> (Cast) -> Mul factor -> Add offset -> Gemm W1, b1 -> Tanh -> Gemm W2, b2 -> Softmax
 *     -> (Cast) -> probabilities float[N, outputs]
 *     -> ArgMax -> label int64[N]
 * </pre>
 * The batch dimension {@code N} is free. The network holds W1 column-major as inputs x hidden, which is the same
 * memory as a row-major hidden x inputs matrix, so the weights are stored as they are and each Gemm multiplies by
 * the transposed matrix ({@code transB = 1}). The label is the arg-max of the probabilities (the first of equal
 * ones), as in our own evaluation.
 */
final class OnnxGraph {
    /** The operator set the graph is written against: Softmax over one axis, Gemm with optional bias. */
    static final int OPSET = 13;
    private static final String INPUT = OnnxExport.INPUT;
    private static final String PROBABILITIES = OnnxExport.PROBABILITIES;
    private static final String LABEL = OnnxExport.LABEL;
    private static final String BATCH = "N";

    private final Precision precision;
    private final GraphProto.Builder graph = GraphProto.newBuilder();

    private OnnxGraph(Precision precision) {
        this.precision = precision;
    }

    /** The graph of {@code net} behind the input scaling {@code scaling}, computing in {@code precision}. */
    static GraphProto build(Network net, InputAffine scaling, Precision precision) {
        return new OnnxGraph(precision).assemble(List.of(net), Combination.MEAN_PROBABILITY, scaling);
    }

    /**
     * The graph of a committee: one branch per member from the shared scaled inputs, each ending in its softmax
     * ({@code probabilities_<i>}), combined as {@code combination} says: the mean of the members'
     * probabilities, or the {@code Softmax} of the mean of their {@code Log}s. One member gives exactly
     * {@link #build(Network, InputAffine, Precision)}'s graph.
     */
    static GraphProto build(List<Network> members, Combination combination, InputAffine scaling,
                            Precision precision) {
        return new OnnxGraph(precision).assemble(members, combination, scaling);
    }

    private GraphProto assemble(List<Network> members, Combination combination, InputAffine scaling) {
        LayerSizes s = members.get(0).sizes();
        boolean committee = members.size() > 1;
        graph.setName("spark-mnist " + (committee ? "committee of " + members.size() + " x " : "") + s);
        graph.setDocString((committee ? "A committee of " + members.size() + " tanh/softmax networks (" + s
                + " first), their probabilities combined by " + combination.word() + ", "
                : "A " + s + " tanh/softmax network ") + "over raw pixel values 0..255; the input scaling "
                + "(pixel * input_factor + input_offset) is part of the graph.");
        graph.addInput(valueInfo(INPUT, TensorProto.DataType.FLOAT, s.inputs()));
        graph.addOutput(valueInfo(PROBABILITIES, TensorProto.DataType.FLOAT, s.outputs()));
        graph.addOutput(valueInfo(LABEL, TensorProto.DataType.INT64));

        graph.addInitializer(tensor("input_factor", new double[] {scaling.factor()}));
        graph.addInitializer(tensor("input_offset", new double[] {scaling.offset()}));
        String pixels = INPUT;
        if (precision.type() != TensorProto.DataType.FLOAT) {
            pixels = cast(INPUT, "pixels_" + precision.name().toLowerCase(Locale.ROOT), precision.type());
        }
        node("Mul", "scale", new String[] {pixels, "input_factor"}, "scaled");
        node("Add", "shift", new String[] {"scaled", "input_offset"}, "inputs");
        String probabilities = precision.type() == TensorProto.DataType.FLOAT ? PROBABILITIES : "class_probabilities";
        if (!committee) {
            branch(members.get(0), "", probabilities);
        } else {
            String[] branches = new String[members.size()];
            for (int i = 0; i < members.size(); i++) {
                branches[i] = branch(members.get(i), "_" + i, "probabilities_" + i);
            }
            graph.addInitializer(tensor("committee_scale", new double[] {1.0 / members.size()}));
            if (combination == Combination.MEAN_PROBABILITY) {
                mean(branches, probabilities);
            } else {
                String[] logs = new String[branches.length];
                for (int i = 0; i < branches.length; i++) {
                    logs[i] = "log_probabilities_" + i;
                    node("Log", "log_" + i, new String[] {branches[i]}, logs[i]);
                }
                mean(logs, "mean_log_probabilities");
                node("Softmax", "committee_softmax", new String[] {"mean_log_probabilities"}, probabilities)
                        .addAttribute(intAttribute("axis", 1));
            }
        }
        if (!probabilities.equals(PROBABILITIES)) {
            cast(probabilities, PROBABILITIES, TensorProto.DataType.FLOAT);
        }
        node("ArgMax", "argmax", new String[] {probabilities}, LABEL)
                .addAttribute(intAttribute("axis", 1)).addAttribute(intAttribute("keepdims", 0));
        return graph.build();
    }

    /**
     * {@code out} = the mean of {@code terms}: added in member order, then multiplied by {@code committee_scale}
     * (ONNX Runtime has no double {@code Mean} kernel).
     */
    private void mean(String[] terms, String out) {
        String sum = terms[0];
        for (int i = 1; i < terms.length; i++) {
            String next = i == terms.length - 1 ? out + "_sum" : out + "_sum_" + i;
            node("Add", "add_" + out + "_" + i, new String[] {sum, terms[i]}, next);
            sum = next;
        }
        node("Mul", "scale_" + out, new String[] {sum, "committee_scale"}, out);
    }

    /**
     * One network from the scaled {@code inputs} to its softmax output {@code out}; {@code suffix} tells a
     * committee's members' initializers and nodes apart (empty for a single network). Returns {@code out}.
     */
    private String branch(Network net, String suffix, String out) {
        LayerSizes s = net.sizes();
        graph.addInitializer(tensor("W1" + suffix, net.block(s.w1Offset(), s.b1Offset()), s.hidden(), s.inputs()));
        graph.addInitializer(tensor("b1" + suffix, net.block(s.b1Offset(), s.w2Offset()), s.hidden()));
        graph.addInitializer(tensor("W2" + suffix, net.block(s.w2Offset(), s.b2Offset()), s.outputs(), s.hidden()));
        graph.addInitializer(tensor("b2" + suffix, net.block(s.b2Offset(), s.parameterCount()), s.outputs()));
        node("Gemm", "layer1" + suffix, new String[] {"inputs", "W1" + suffix, "b1" + suffix},
                "hidden_preactivation" + suffix).addAttribute(transB());
        node("Tanh", "tanh" + suffix, new String[] {"hidden_preactivation" + suffix}, "hidden" + suffix);
        node("Gemm", "layer2" + suffix, new String[] {"hidden" + suffix, "W2" + suffix, "b2" + suffix},
                "logits" + suffix).addAttribute(transB());
        node("Softmax", "softmax" + suffix, new String[] {"logits" + suffix}, out)
                .addAttribute(intAttribute("axis", 1));
        return out;
    }

    private NodeProto.Builder node(String op, String name, String[] inputs, String output) {
        NodeProto.Builder n = graph.addNodeBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n;
    }

    private String cast(String from, String to, TensorProto.DataType type) {
        node("Cast", "cast_" + to, new String[] {from}, to).addAttribute(intAttribute("to", type.getNumber()));
        return to;
    }

    private static AttributeProto transB() {
        return intAttribute("transB", 1);
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** A tensor of the graph's precision; no dims for a scalar. Values in row-major order, little-endian. */
    private TensorProto tensor(String name, double[] values, int... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * precision.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            if (precision == Precision.DOUBLE) {
                raw.putDouble(v);
            } else {
                raw.putFloat((float) v);
            }
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(precision.type().getNumber())
                .setRawData(ByteString.copyFrom(raw.array()));
        for (int d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /** A graph input or output: {@code [N, width]}, or {@code [N]} without a width. */
    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, int... width) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        shape.addDimBuilder().setDimParam(BATCH);
        for (int w : width) {
            shape.addDimBuilder().setDimValue(w);
        }
        TypeProto.Tensor.Builder tensorType = TypeProto.Tensor.newBuilder().setElemType(type.getNumber())
                .setShape(shape);
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensorType)).build();
    }
}
