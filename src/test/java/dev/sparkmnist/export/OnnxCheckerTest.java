package dev.sparkmnist.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.model.Combination;
import dev.sparkmnist.model.ModelStore;
import dev.sparkmnist.model.SavedCommittee;
import dev.sparkmnist.model.SavedModel;

/**
 * ONNX's own checker (Python package {@code onnx}, Debian's {@code python3-onnx}) accepts the exported file, with
 * strict shape inference, and infers the shapes the README promises. Skipped, with the reason printed, where
 * {@code /usr/bin/python3} cannot import {@code onnx}.
 */
class OnnxCheckerTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String CHECK = String.join("\n",
            "import sys, onnx",
            "m = onnx.load(sys.argv[1])",
            "onnx.checker.check_model(m, full_check=True)",
            "g = onnx.shape_inference.infer_shapes(m, strict_mode=True).graph",
            "def show(v):",
            "    t = v.type.tensor_type",
            "    return v.name + ':' + onnx.TensorProto.DataType.Name(t.elem_type) + ':' + ','.join(",
            "        d.dim_param or str(d.dim_value) for d in t.shape.dim)",
            "for v in list(g.input) + list(g.output) + [i for i in g.value_info if i.name == 'hidden']:",
            "    print(show(v))");

    @TempDir
    Path work;

    @Test
    void onnxCheckerAcceptsTheExportAndInfersItsShapes() throws IOException, InterruptedException {
        boolean present = Files.isExecutable(Path.of(PYTHON)) && run(List.of(PYTHON, "-c", "import onnx")).code == 0;
        if (!present) {
            System.out.println("OnnxCheckerTest skipped: " + PYTHON + " cannot import onnx "
                    + "(apt-get install python3-onnx)");
        }
        Assumptions.assumeTrue(present, PYTHON + " cannot import onnx");
        Path dir = work.resolve("m");
        ModelStore.save(dir.toString(), OnnxFixtures.randomModel(20, InputScaling.MNIST_STANDARD, 2), Map.of());
        for (Precision p : Precision.values()) {
            Path out = work.resolve(p + ".onnx");
            OnnxExport.write(dir.toString(), out.toString(), p);
            Result r = run(List.of(PYTHON, "-c", CHECK, out.toString()));
            assertEquals(0, r.code, r.output);
            String type = p == Precision.DOUBLE ? "DOUBLE" : "FLOAT";
            assertEquals(List.of("pixels:FLOAT:N,784", "probabilities:FLOAT:N,10", "label:INT64:N",
                    "hidden:" + type + ":N,20"), r.output.strip().lines().toList(), r.output);
        }
    }

    @Test
    void onnxCheckerAcceptsACommitteeOfBothCombinations() throws IOException, InterruptedException {
        boolean present = Files.isExecutable(Path.of(PYTHON)) && run(List.of(PYTHON, "-c", "import onnx")).code == 0;
        Assumptions.assumeTrue(present, PYTHON + " cannot import onnx");
        List<SavedModel> members = List.of(OnnxFixtures.randomModel(20, InputScaling.MNIST_STANDARD, 2),
                OnnxFixtures.randomModel(12, InputScaling.MNIST_STANDARD, 3));
        for (Combination c : Combination.values()) {
            SavedCommittee committee = new SavedCommittee(members, c, members.get(0).metadata(), null);
            for (Precision p : Precision.values()) {
                Path out = work.resolve(c.word() + "-" + p + ".onnx");
                Files.write(out, OnnxExport.toOnnx(committee, null, p).toByteArray());
                Result r = run(List.of(PYTHON, "-c", CHECK, out.toString()));
                assertEquals(0, r.code, r.output);
                assertEquals(List.of("pixels:FLOAT:N,784", "probabilities:FLOAT:N,10", "label:INT64:N"),
                        r.output.strip().lines().toList(), r.output);
            }
        }
    }

    private record Result(int code, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out + "\n(timed out)");
        }
        return new Result(p.exitValue(), out);
    }
}
