package dev.sparkmnist.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import dev.sparkmnist.fs.HadoopConf;

/**
 * SHA-256 of a file's uncompressed content: the same digest whether the file is stored plain or gzipped, so a
 * model records which data it saw and a fetch can verify what it got.
 */
public final class ContentDigest {
    private ContentDigest() {
    }

    /** Hex SHA-256 of the uncompressed bytes of {@code path} (gunzipped first when it starts with gzip magic). */
    public static String sha256Uncompressed(String path) {
        Path p = new Path(path);
        try {
            FileSystem fs = p.getFileSystem(HadoopConf.get());
            boolean gz;
            try (InputStream in = fs.open(p)) {
                gz = in.read() == 0x1f && in.read() == 0x8b;
            }
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream raw = fs.open(p);
                 InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : new BufferedInputStream(raw, 1 << 16);
                 DigestInputStream din = new DigestInputStream(in, md)) {
                byte[] buf = new byte[1 << 16];
                while (din.read(buf) >= 0) {
                    // reading feeds the digest
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read for checksum: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
