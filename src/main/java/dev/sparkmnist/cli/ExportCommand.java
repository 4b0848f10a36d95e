package dev.sparkmnist.cli;

import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.sparkmnist.export.OnnxExport;
import dev.sparkmnist.export.Precision;
import dev.sparkmnist.output.OutputClaim;

/**
 * {@code export}: a saved model as one file for serving outside Spark (today ONNX). Runs without Spark; a missing or
 * corrupt model directory is refused with exit code 2 and nothing written.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Export a saved model for serving outside Spark: an ONNX file with input 'pixels' (float "
                + "[N, 784], raw values 0..255; the model's input scaling is inside the graph) and outputs "
                + "'probabilities' (float [N, K], K the model's classes) and 'label' (int64 [N]), loadable by ONNX "
                + "Runtime and most serving stacks. Written under a temporary name and renamed when complete."})
public final class ExportCommand implements Callable<Integer> {

    /** Export formats. */
    enum Format { ONNX }

    @Option(names = "--model", required = true, paramLabel = "MODEL_DIR", description = "Saved model directory.")
    String model;

    @Option(names = "--format", defaultValue = "onnx", description = "Output format: onnx (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "File to write (any Hadoop path).")
    String out;

    @Option(names = "--precision", defaultValue = "double",
            description = "Number type inside the graph: double (the trained weights exactly; ONNX Runtime gives our "
                    + "own predictions one for one) or float (half the size, for runtimes without double kernels) "
                    + "(default: ${DEFAULT-VALUE}).")
    Precision precision;

    @Option(names = "--overwrite", description = "Replace an existing --out file that export did not write.")
    boolean overwrite;

    @Override
    public Integer call() {
        OnnxExport.Written w;
        try (OutputClaim claim = OutputClaim.file("export", "--out", out, overwrite, OnnxExport::isExport, model)) {
            w = OnnxExport.write(model, out, precision);
        }
        System.out.printf(Locale.ROOT, "wrote %s (%,d bytes): ONNX opset %d, %s precision, from %s%n", w.path(),
                w.bytes(), w.model().getOpsetImport(0).getVersion(), precision.name().toLowerCase(Locale.ROOT),
                model);
        return ExitCodes.OK;
    }
}
