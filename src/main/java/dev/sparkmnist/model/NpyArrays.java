package dev.sparkmnist.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} (format 1.0) encoding of float64 arrays, so saved weights load with {@code numpy.load}.
 * Matrices are written in Fortran (column-major) order, which is how the network holds them, so no transpose is
 * needed either way: {@code numpy.load("W1.npy")} gives the 784 x H matrix.
 */
public final class NpyArrays {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private NpyArrays() {
    }

    /** Encodes {@code data} (column-major) with the given shape. */
    public static byte[] encode(double[] data, int... shape) {
        long n = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + data.length);
        }
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? shape[0] + "," : dims.substring(0, dims.length() - 2);
        String header = "{'descr': '<f8', 'fortran_order': True, 'shape': (" + shapeText + "), }";
        int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String padded = header + " ".repeat(padding) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + padded.length() + 8 * data.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) padded.length());
        buf.put(padded.getBytes(StandardCharsets.US_ASCII));
        for (double v : data) {
            buf.putDouble(v);
        }
        return buf.array();
    }

    /** Decodes a float64 array, checking that its shape is {@code expectedShape}; {@code name} is for errors. */
    public static double[] decode(byte[] bytes, String name, int... expectedShape) throws IOException {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new IOException(name + ": not a .npy file");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLen;
        int dataStart;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(buf.getShort(8));
            dataStart = 10 + headerLen;
        } else if (major == 2 || major == 3) {
            headerLen = buf.getInt(8);
            dataStart = 12 + headerLen;
        } else {
            throw new IOException(name + ": unsupported .npy version " + major);
        }
        if (headerLen < 0 || dataStart > bytes.length) {
            throw new IOException(name + ": truncated .npy header");
        }
        String header = new String(bytes, dataStart - headerLen, headerLen, StandardCharsets.US_ASCII);
        String descr = group(DESCR, header, name, "descr");
        if (!descr.equals("<f8")) {
            throw new IOException(name + ": expected float64 ('<f8'), found '" + descr + "'");
        }
        boolean fortran = group(FORTRAN, header, name, "fortran_order").equals("True");
        String shapeText = group(SHAPE, header, name, "shape");
        int[] shape;
        try {
            shape = Arrays.stream(shapeText.split(","))
                    .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IOException(name + ": .npy shape (" + shapeText + ") is not a list of sizes");
        }
        if (!Arrays.equals(shape, expectedShape)) {
            throw new IOException(name + ": expected shape " + Arrays.toString(expectedShape) + ", found "
                    + Arrays.toString(shape));
        }
        int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if ((long) bytes.length - dataStart != 8L * n) {
            throw new IOException(name + ": expected " + 8L * n + " data bytes, found " + (bytes.length - dataStart));
        }
        double[] row = new double[n];
        buf.position(dataStart);
        for (int i = 0; i < n; i++) {
            row[i] = buf.getDouble();
        }
        if (fortran || shape.length < 2) {
            return row;
        }
        double[] col = new double[n];
        int rows = shape[0];
        int cols = shape[1];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                col[c * rows + r] = row[r * cols + c];
            }
        }
        return col;
    }

    private static String group(Pattern p, String header, String name, String key) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(name + ": .npy header has no '" + key + "'");
        }
        return m.group(1);
    }

}
