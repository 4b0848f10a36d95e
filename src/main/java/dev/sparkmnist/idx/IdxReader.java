package dev.sparkmnist.idx;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import dev.sparkmnist.fs.HadoopConf;

/**
 * Reads IDX image and label files through Hadoop's {@link FileSystem}, so {@code file:}, {@code hdfs:} and
 * {@code s3a:} paths all work. Compression is told by the gzip magic bytes, never by the file name.
 *
 * <p>Every check that can be made from the header and the file length is made before anything large is
 * allocated; memory used is bounded by the records actually asked for.
 */
public final class IdxReader {
    /** Largest image side accepted; MNIST uses 28. */
    public static final int MAX_SIDE = 4096;
    /** The most one byte of deflate data can expand to (zlib's documented bound is 1032:1). */
    public static final int MAX_DEFLATE_RATIO = 1032;
    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private IdxReader() {
    }

    /**
     * Reads and validates the header of {@code path}, expecting the given kind. A plain file's length must be
     * exactly what the header says. A gzipped file must be able to hold what its header claims (deflate expands at
     * most {@value #MAX_DEFLATE_RATIO}:1), and its stream is read through once to check that it decompresses to
     * exactly that length: no more is ever decompressed, so a stream that would expand without end is cut off.
     */
    public static IdxHeader readHeader(String path, IdxKind expected) {
        Path p = new Path(path);
        try {
            FileSystem fs = p.getFileSystem(HadoopConf.get());
            long length = fileLength(fs, p, path);
            boolean gz = isGzip(fs, p);
            try (DataInputStream in = new DataInputStream(open(fs, p, gz))) {
                IdxHeader header = parseHeader(in, path, expected, gz);
                if (!gz && length != header.expectedLength()) {
                    throw new IdxFormatException(String.format(
                            "%s: header says %d %s of %d bytes, so the file should be %d bytes long, but it is %d bytes%s",
                            path, header.count(), expected == IdxKind.IMAGES ? "images" : "labels",
                            header.recordBytes(), header.expectedLength(), length,
                            length < header.expectedLength() ? " (truncated?)" : " (trailing bytes)"));
                }
                if (gz) {
                    checkGzipBody(in, header, length);
                }
                return header;
            } catch (EOFException | ZipException e) {
                throw new IdxFormatException(path + ": not a valid gzip stream (" + e.getMessage() + ")", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static void checkGzipBody(InputStream in, IdxHeader header, long compressedLength) throws IOException {
        if (header.expectedLength() > compressedLength * MAX_DEFLATE_RATIO + 1024) {
            throw new IdxFormatException(String.format(
                    "%s: header says %d records (%d bytes uncompressed), more than a gzip file of %d bytes can hold",
                    header.path(), header.count(), header.expectedLength(), compressedLength));
        }
        skipFully(in, header.expectedLength() - header.kind().headerBytes(), header, header.kind().headerBytes());
        int extra;
        try {
            extra = in.read();
        } catch (EOFException | ZipException e) {
            throw corrupt(header, e);
        }
        if (extra >= 0) {
            throw new IdxFormatException(String.format(
                    "%s: the gzip stream holds more than the %d bytes its header accounts for (%d records); "
                            + "refusing it rather than decompressing further", header.path(),
                    header.expectedLength(), header.count()));
        }
    }

    /**
     * Reads {@code count} records starting at record {@code start}. Uncompressed files are read with a seek;
     * gzipped files are decompressed from the start and the leading records skipped.
     */
    public static byte[] readRecords(IdxHeader header, long start, int count) {
        if (start < 0 || count < 0 || start + count > header.count()) {
            throw new IllegalArgumentException(String.format("%s: records %d..%d asked for, file has %d",
                    header.path(), start, start + count, header.count()));
        }
        long recordBytes = header.recordBytes();
        if ((long) count * recordBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(header.path() + ": " + count + " records do not fit in one block");
        }
        byte[] out = new byte[(int) (count * recordBytes)];
        Path p = new Path(header.path());
        try {
            FileSystem fs = p.getFileSystem(HadoopConf.get());
            long offset = header.kind().headerBytes() + start * recordBytes;
            if (header.gzipped()) {
                try (InputStream in = open(fs, p, true)) {
                    skipFully(in, offset, header, 0);
                    readFully(in, out, header, start);
                }
            } else {
                try (FSDataInputStream in = fs.open(p)) {
                    in.seek(offset);
                    readFully(in, out, header, start);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(header.path() + ": cannot read: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Reads every label (one unsigned byte each, so 0..255); which of them a model can take is checked where the
     * number of classes is known ({@code ClassCount}).
     */
    public static byte[] readLabels(IdxHeader header) {
        if (header.count() > Integer.MAX_VALUE - 16) {
            throw new IdxFormatException(header.path() + ": " + header.count() + " labels is more than one file may hold");
        }
        return readRecords(header, 0, (int) header.count());
    }

    /** Checks that an images file and a labels file describe the same number of records. */
    public static void requireSameCount(IdxHeader images, IdxHeader labels) {
        if (images.count() != labels.count()) {
            throw new IdxFormatException(String.format("%s has %d images but %s has %d labels",
                    images.path(), images.count(), labels.path(), labels.count()));
        }
    }

    private static IdxHeader parseHeader(DataInputStream in, String path, IdxKind expected, boolean gz)
            throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(path + ": file is empty or shorter than an IDX header");
        }
        if (magic != expected.magic()) {
            String other = magic == IdxKind.IMAGES.magic() ? " (an images file)"
                    : magic == IdxKind.LABELS.magic() ? " (a labels file)" : "";
            throw new IdxFormatException(String.format("%s: wrong magic number: expected %d (%s), found %d%s",
                    path, expected.magic(), expected == IdxKind.IMAGES ? "images" : "labels", magic, other));
        }
        try {
            long count = Integer.toUnsignedLong(in.readInt());
            int rows = 1;
            int cols = 1;
            if (expected == IdxKind.IMAGES) {
                rows = in.readInt();
                cols = in.readInt();
                if (rows <= 0 || cols <= 0 || rows > MAX_SIDE || cols > MAX_SIDE) {
                    throw new IdxFormatException(String.format(
                            "%s: image dimensions %d x %d are not possible (each must be 1..%d)",
                            path, rows, cols, MAX_SIDE));
                }
            }
            if (count == 0) {
                throw new IdxFormatException(path + ": header says the file holds no records");
            }
            return new IdxHeader(path, expected, count, rows, cols, gz);
        } catch (EOFException e) {
            throw new IdxFormatException(path + ": truncated header: file is shorter than "
                    + expected.headerBytes() + " bytes");
        }
    }

    private static long fileLength(FileSystem fs, Path p, String path) throws IOException {
        try {
            return fs.getFileStatus(p).getLen();
        } catch (FileNotFoundException e) {
            throw new IdxFormatException(path + ": file not found");
        }
    }

    private static boolean isGzip(FileSystem fs, Path p) throws IOException {
        try (FSDataInputStream in = fs.open(p)) {
            int b1 = in.read();
            int b2 = in.read();
            return b1 == GZIP_MAGIC_1 && b2 == GZIP_MAGIC_2;
        }
    }

    private static InputStream open(FileSystem fs, Path p, boolean gz) throws IOException {
        InputStream raw = fs.open(p);
        return gz ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16)
                : new BufferedInputStream(raw, 1 << 16);
    }

    /** Skips {@code n} bytes of a stream of which {@code consumed} were already read (for the error message). */
    private static void skipFully(InputStream in, long n, IdxHeader header, long consumed) throws IOException {
        long left = n;
        byte[] scratch = new byte[1 << 16];
        try {
            while (left > 0) {
                int r = in.read(scratch, 0, (int) Math.min(scratch.length, left));
                if (r < 0) {
                    throw truncated(header, consumed + n - left, consumed + n);
                }
                left -= r;
            }
        } catch (EOFException | ZipException e) {
            throw corrupt(header, e);
        }
    }

    private static void readFully(InputStream in, byte[] out, IdxHeader header, long start) throws IOException {
        int off = 0;
        try {
            while (off < out.length) {
                int r = in.read(out, off, out.length - off);
                if (r < 0) {
                    long wanted = header.kind().headerBytes() + (start * header.recordBytes()) + out.length;
                    throw truncated(header, wanted - (out.length - off), wanted);
                }
                off += r;
            }
        } catch (EOFException | ZipException e) {
            throw corrupt(header, e);
        }
    }

    private static IdxFormatException truncated(IdxHeader header, long got, long wanted) {
        return new IdxFormatException(String.format(
                "%s: truncated: header says %d records (%d bytes%s), but the data ends after %d bytes",
                header.path(), header.count(), header.expectedLength(), header.gzipped() ? " uncompressed" : "",
                got));
    }

    private static IdxFormatException corrupt(IdxHeader header, IOException e) {
        return new IdxFormatException(header.path() + ": gzip stream is truncated or corrupt ("
                + e.getMessage() + ")", e);
    }
}
