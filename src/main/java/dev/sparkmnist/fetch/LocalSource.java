package dev.sparkmnist.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;

import dev.sparkmnist.fs.HadoopConf;

/**
 * Files a user already has ({@code fetch --from}): a folder holding the four files, plain or {@code .gz}, or a
 * zip/tar(.gz) archive holding them anywhere inside, on any Hadoop path ({@code file:///...}, {@code hdfs:///...},
 * or a bare path on the default file system). Off the local file system the files (or the archive) are first
 * copied into the work folder. An archive is unpacked once, into the work folder.
 */
final class LocalSource implements Source {
    private final String from;
    private final Set<String> names;
    private final Path workDir;
    private final String description;
    private Path root;
    private Map<String, Path> extracted;

    /** {@code names} are all the files a fetch may ask for, so an archive is read only once. */
    LocalSource(String from, Set<String> names, Path workDir, String description) {
        this.from = from;
        this.names = Set.copyOf(names);
        this.workDir = workDir;
        this.description = description;
    }

    /** {@code from} as a local path: itself on the local file system, else a local copy of what a fetch can use. */
    private Path root() throws SourceException {
        if (root != null) {
            return root;
        }
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(from);
        FileSystem fs = HadoopConf.fileSystem(p);
        if (fs instanceof LocalFileSystem local) {
            root = local.pathToFile(p).toPath();
            return root;
        }
        try {
            if (!fs.exists(p)) {
                throw new SourceException(from + ": no such folder or archive", true);
            }
            Path copy = Files.createDirectories(workDir.resolve("copy"));
            if (fs.getFileStatus(p).isDirectory()) {
                for (String name : names) {
                    for (String candidate : new String[] {name, name + ".gz"}) {
                        org.apache.hadoop.fs.Path there = new org.apache.hadoop.fs.Path(p, candidate);
                        if (fs.exists(there)) {
                            fs.copyToLocalFile(false, there, new org.apache.hadoop.fs.Path(
                                    copy.resolve(candidate).toUri()), true);
                        }
                    }
                }
                root = copy;
            } else {
                root = copy.resolve(p.getName());
                fs.copyToLocalFile(false, p, new org.apache.hadoop.fs.Path(root.toUri()), true);
            }
            return root;
        } catch (IOException e) {
            throw new SourceException(from + ": cannot read: " + e.getMessage(), true, e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void fetch(ExpectedFile file, Path target) throws SourceException {
        Path root = root();
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
