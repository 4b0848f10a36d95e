package dev.sparkmnist.fetch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;

/**
 * Copies a stream to a file as plain bytes, gunzipping it first when it starts with the gzip magic. Every source
 * delivers plain IDX files through this, so the data directory holds files that can be read with seeks.
 */
final class Unpack {
    private static final int BUFFER = 1 << 16;

    private Unpack() {
    }

    /** Writes the uncompressed content of {@code in} to {@code target}; {@code what} names it in errors. */
    static void toPlain(InputStream in, Path target, String what) throws SourceException {
        try (BufferedInputStream buffered = new BufferedInputStream(in, BUFFER)) {
            buffered.mark(2);
            boolean gz = buffered.read() == 0x1f && buffered.read() == 0x8b;
            buffered.reset();
            try (InputStream plain = gz ? new GZIPInputStream(buffered, BUFFER) : buffered) {
                Files.copy(plain, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new SourceException(what + ": cannot unpack: " + e.getMessage(), false, e);
        }
    }

    /** {@link #toPlain(InputStream, Path, String)} from a file. */
    static void toPlain(Path source, Path target) throws SourceException {
        try {
            toPlain(Files.newInputStream(source), target, source.toString());
        } catch (IOException e) {
            throw new SourceException(source + ": cannot read: " + e.getMessage(), false, e);
        }
    }
}
