package dev.sparkmnist.exchange;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The byte layout of a {@link Message} on a socket: step, header doubles, then each slice as a type byte (0 float,
 * 1 double, 2 int), a length
 * and its values (big-endian). Values go through a reusable chunk buffer, so a message costs no allocation on the
 * way out and one array per slice on the way in.
 */
final class Wire {
    private static final int CHUNK = 1 << 16;
    /** Guards against a length that no honest peer sends (a slice of more than 2^28 values). */
    private static final int MAX_VALUES = 1 << 28;

    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK);

    void write(DataOutputStream out, Message m) throws IOException {
        out.writeLong(m.step());
        out.writeInt(m.header().length);
        for (double h : m.header()) {
            out.writeDouble(h);
        }
        out.writeInt(m.slices().length);
        for (Slice s : m.slices()) {
            out.writeByte(s.floats() != null ? 0 : s.doubles() != null ? 1 : 2);
            out.writeInt(s.length());
            if (s.floats() != null) {
                writeFloats(out, s.floats(), s.offset(), s.length());
            } else if (s.doubles() != null) {
                writeDoubles(out, s.doubles(), s.offset(), s.length());
            } else {
                writeInts(out, s.ints(), s.offset(), s.length());
            }
        }
    }

    Message read(DataInputStream in) throws IOException {
        long step = in.readLong();
        double[] header = new double[checkedCount(in.readInt(), 1 << 20)];
        for (int i = 0; i < header.length; i++) {
            header[i] = in.readDouble();
        }
        Slice[] slices = new Slice[checkedCount(in.readInt(), 1 << 20)];
        for (int k = 0; k < slices.length; k++) {
            int type = in.readByte();
            int n = checkedCount(in.readInt(), MAX_VALUES);
            if (type == 0) {
                float[] a = new float[n];
                readFloats(in, a);
                slices[k] = Slice.of(a, 0, n);
            } else if (type == 1) {
                double[] a = new double[n];
                readDoubles(in, a);
                slices[k] = Slice.of(a, 0, n);
            } else if (type == 2) {
                int[] a = new int[n];
                readInts(in, a);
                slices[k] = Slice.of(a, 0, n);
            } else {
                throw new IOException("corrupt exchange message: slice type " + type);
            }
        }
        return new Message(step, header, slices);
    }

    private static int checkedCount(int n, int max) throws IOException {
        if (n < 0 || n > max) {
            throw new IOException("corrupt exchange message: count " + n);
        }
        return n;
    }

    private void writeFloats(DataOutputStream out, float[] a, int off, int len) throws IOException {
        int per = CHUNK / 4;
        for (int i = 0; i < len; i += per) {
            int n = Math.min(per, len - i);
            chunk.clear();
            chunk.asFloatBuffer().put(a, off + i, n);
            out.write(chunk.array(), 0, n * 4);
        }
    }

    private void writeDoubles(DataOutputStream out, double[] a, int off, int len) throws IOException {
        int per = CHUNK / 8;
        for (int i = 0; i < len; i += per) {
            int n = Math.min(per, len - i);
            chunk.clear();
            chunk.asDoubleBuffer().put(a, off + i, n);
            out.write(chunk.array(), 0, n * 8);
        }
    }

    private void writeInts(DataOutputStream out, int[] a, int off, int len) throws IOException {
        int per = CHUNK / 4;
        for (int i = 0; i < len; i += per) {
            int n = Math.min(per, len - i);
            chunk.clear();
            chunk.asIntBuffer().put(a, off + i, n);
            out.write(chunk.array(), 0, n * 4);
        }
    }

    private void readInts(DataInputStream in, int[] a) throws IOException {
        int per = CHUNK / 4;
        for (int i = 0; i < a.length; i += per) {
            int n = Math.min(per, a.length - i);
            in.readFully(chunk.array(), 0, n * 4);
            chunk.clear();
            chunk.asIntBuffer().get(a, i, n);
        }
    }

    private void readFloats(DataInputStream in, float[] a) throws IOException {
        int per = CHUNK / 4;
        for (int i = 0; i < a.length; i += per) {
            int n = Math.min(per, a.length - i);
            in.readFully(chunk.array(), 0, n * 4);
            chunk.clear();
            chunk.asFloatBuffer().get(a, i, n);
        }
    }

    private void readDoubles(DataInputStream in, double[] a) throws IOException {
        int per = CHUNK / 8;
        for (int i = 0; i < a.length; i += per) {
            int n = Math.min(per, a.length - i);
            in.readFully(chunk.array(), 0, n * 8);
            chunk.clear();
            chunk.asDoubleBuffer().get(a, i, n);
        }
    }
}
