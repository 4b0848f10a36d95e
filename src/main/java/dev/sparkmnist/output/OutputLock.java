package dev.sparkmnist.output;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Instant;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import dev.sparkmnist.train.InvalidConfigException;

/**
 * A lock file beside an output ({@code .<name>.lock}), created exclusively: of two runs that try to write one
 * output, exactly one creates it and the other is refused at once, with who holds it. On local disks the lock is
 * written under a unique name and hard-linked to its own, which fails when the name exists (Hadoop's local
 * {@code create} checks and creates in two steps); HDFS creates without overwrite atomically in its namenode. The lock is deleted when the run ends; one left by a killed run on this host is
 * removed by the next run (so {@code --resume} works); one from another host names its process, to delete by hand.
 */
final class OutputLock implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OutputLock.class);
    private final FileSystem fs;
    private final Path file;
    /** The highest folder the lock had to create, removed again when the run left it empty; or null. */
    private final Path created;

    private OutputLock(FileSystem fs, Path file, Path created) {
        this.fs = fs;
        this.file = file;
        this.created = created;
    }

    /** The lock file for {@code target}. */
    static Path fileFor(Path target) {
        return new Path(target.getParent(), "." + target.getName() + ".lock");
    }

    /** Takes the lock of {@code target} for {@code command} ({@code option} names it in messages), or refuses. */
    static OutputLock take(FileSystem fs, Path target, String command, String option) {
        Path file = fileFor(target);
        String owner = command + " (pid " + ProcessHandle.current().pid() + " on " + host() + ", started "
                + Instant.now() + ")";
        try {
            Path created = null;
            for (Path p = target.getParent(); p != null && !fs.exists(p); p = p.getParent()) {
                created = p;
            }
            if (!fs.mkdirs(target.getParent())) {
                throw new IOException("cannot create directory " + target.getParent());
            }
            byte[] content = owner.getBytes(StandardCharsets.UTF_8);
            if (!createExclusively(fs, file, content)
                    && !(removeIfStale(fs, file) && createExclusively(fs, file, content))) {
                throw new InvalidConfigException(String.format("%s %s: another run is writing it: %s; if that run is "
                        + "no longer alive, delete %s", option, target, holder(fs, file), file));
            }
            return new OutputLock(fs, file, created);
        } catch (IOException e) {
            throw new InvalidConfigException(option + " " + target + ": cannot write there: " + e.getMessage());
        }
    }

    /**
     * Removes a lock left by a run that is gone: one written on this host by a process that no longer exists (a
     * killed driver, so {@code --resume} works). The lock is first renamed to a unique name, so of two runs
     * removing it only one gets it; should that one find a live run's lock there after all, it puts it back.
     */
    private static boolean removeIfStale(FileSystem fs, Path file) throws IOException {
        String holder = holder(fs, file);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(pid (\\d+) on (\\S+),").matcher(holder);
        if (!m.find() || !m.group(2).equals(host())
                || ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        Path tomb = new Path(file.getParent(), file.getName() + ".stale-" + java.util.UUID.randomUUID());
        if (!fs.rename(file, tomb)) {
            return false;
        }
        if (holder(fs, tomb).equals(holder)) {
            fs.delete(tomb, false);
            LOG.info("{}: removed the lock of a run that is gone: {}", file, holder);
            return true;
        }
        if (isLocal(fs)) { // not the stale lock any more: a live run's, put back unless a third took the name
            try {
                Files.createLink(local(file), local(tomb));
            } catch (FileAlreadyExistsException e) {
                // the name is held again; that holder wins
            }
            fs.delete(tomb, false);
        } else if (!fs.rename(tomb, file)) {
            fs.delete(tomb, false);
        }
        return false;
    }

    private static boolean isLocal(FileSystem fs) {
        return fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem;
    }

    private static java.nio.file.Path local(Path p) {
        return new File(p.toUri().getPath()).toPath();
    }

    private static boolean createExclusively(FileSystem fs, Path file, byte[] content) throws IOException {
        if (isLocal(fs)) {
            // Written complete under a unique name, then hard-linked to the lock's name: link() fails when the
            // name exists, so the lock appears atomically with its content (a loser can always say who holds it).
            java.nio.file.Path lock = local(file);
            java.nio.file.Path draft = lock.resolveSibling(lock.getFileName() + "." + java.util.UUID.randomUUID());
            Files.write(draft, content);
            try {
                Files.createLink(lock, draft);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(draft);
            }
        }
        try (OutputStream out = fs.create(file, false)) {
            out.write(content);
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        }
    }

    private static String holder(FileSystem fs, Path file) {
        try (var in = fs.open(file)) {
            String text = new String(in.readNBytes(500), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "a run that is just starting" : text;
        } catch (IOException e) {
            return "lock held";
        }
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown host";
        }
    }

    @Override
    public void close() {
        try {
            fs.delete(file, false);
            for (Path p = file.getParent(); created != null && p != null; p = p.getParent()) {
                if (fs.listStatus(p).length > 0 || !fs.delete(p, false) || p.equals(created)) {
                    break; // the run wrote there, or every folder this lock created is gone
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot delete the lock: " + e.getMessage(), e);
        }
    }
}
