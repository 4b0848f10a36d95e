package dev.sparkmnist.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Files a user already has ({@code fetch --from}): a folder holding the four files, plain or {@code .gz}, or a
 * zip/tar(.gz) archive holding them anywhere inside. An archive is unpacked once, into the work folder.
 */
final class LocalSource implements Source {
    private final Path root;
    private final Set<String> names;
    private final Path workDir;
    private final String description;
    private Map<String, Path> extracted;

    /** {@code names} are all the files a fetch may ask for, so an archive is read only once. */
    LocalSource(Path root, Set<String> names, Path workDir, String description) {
        this.root = root;
        this.names = Set.copyOf(names);
        this.workDir = workDir;
        this.description = description;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void fetch(ExpectedFile file, Path target) throws SourceException {
        if (Files.isDirectory(root)) {
            for (String candidate : new String[] {file.name(), file.name() + ".gz"}) {
                Path p = root.resolve(candidate);
                if (Files.isRegularFile(p)) {
                    Unpack.toPlain(p, target);
                    return;
                }
            }
            throw new SourceException(root + " has neither " + file.name() + " nor " + file.name() + ".gz", false);
        }
        if (!Files.isRegularFile(root)) {
            throw new SourceException(root + ": no such folder or archive", true);
        }
        if (extracted == null) {
            extracted = ArchiveExtractor.extract(root, names, workDir);
        }
        Path p = extracted.get(file.name());
        if (p == null) {
            throw new SourceException(root + " holds no " + file.name() + " or " + file.name() + ".gz", false);
        }
        try {
            Files.move(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new SourceException(target + ": cannot write: " + e.getMessage(), false, e);
        }
    }

    @Override
    public void close() {
        WorkDirs.delete(workDir);
    }
}
