package dev.sparkmnist.fetch;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An HTTP(S) mirror of the original MNIST files: {@code <base URL><name>.gz}. The download goes to a
 * {@code .part} file in the source's own work folder and is gunzipped to the target once complete.
 */
final class MirrorSource implements Source {
    private final String base;
    private final HttpDownloader downloader;
    private final Path workDir;

    MirrorSource(String base, HttpDownloader downloader, Path workDir) {
        this.base = base.endsWith("/") ? base : base + "/";
        this.downloader = downloader;
        this.workDir = workDir;
    }

    @Override
    public String describe() {
        return "mirror " + base;
    }

    @Override
    public void fetch(ExpectedFile file, Path target) throws SourceException {
        URI uri;
        try {
            uri = URI.create(base + file.name() + ".gz");
        } catch (IllegalArgumentException e) {
            throw new SourceException("not a valid URL: " + base + " (" + e.getMessage() + ")", true, e);
        }
        Path part = workDir.resolve(file.name() + ".gz.part");
        try {
            Files.createDirectories(workDir);
            downloader.download(uri, part);
            Unpack.toPlain(part, target);
        } catch (IOException e) {
            throw new SourceException(workDir + ": cannot write: " + e.getMessage(), false, e);
        } finally {
            WorkDirs.delete(part);
        }
    }

    @Override
    public void close() {
        WorkDirs.delete(workDir);
    }
}
