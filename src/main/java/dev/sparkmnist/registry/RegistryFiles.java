package dev.sparkmnist.registry;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

import dev.sparkmnist.fs.HadoopConf;
import dev.sparkmnist.model.Json;

/**
 * The few file operations the registry is built from, on any Hadoop file system: read a small file, create one
 * exclusively (the lock, log entries), replace one atomically (write a temporary file beside it, then rename over
 * it), rename a directory into place. Errors name the path.
 */
final class RegistryFiles {
    private final FileSystem fs;
    private final FileContext fc;

    RegistryFiles(Path anyPath) {
        try {
            Configuration conf = HadoopConf.get();
            this.fs = anyPath.getFileSystem(conf);
            fs.setWriteChecksum(false);
            this.fc = FileContext.getFileContext(fs.makeQualified(anyPath).toUri(), conf);
        } catch (IOException e) {
            throw new UncheckedIOException(anyPath + ": cannot open file system: " + e.getMessage(), e);
        }
    }

    FileSystem fs() {
        return fs;
    }

    boolean exists(Path p) {
        try {
            return fs.exists(p);
        } catch (IOException e) {
            throw fail(p, "cannot check", e);
        }
    }

    void mkdirs(Path p) {
        try {
            fs.mkdirs(p);
        } catch (IOException e) {
            throw fail(p, "cannot create directory", e);
        }
    }

    /** The file's bytes, or null when it does not exist. */
    byte[] readOrNull(Path p) {
        try (InputStream in = fs.open(p)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw fail(p, "cannot read", e);
        }
    }

    /** A JSON file as {@code type}, or null when it does not exist. */
    <T> T readJsonOrNull(Path p, Class<T> type) {
        byte[] bytes = readOrNull(p);
        if (bytes == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw fail(p, "not valid JSON", e);
        }
    }

    static byte[] json(Object value) {
        try {
            return Json.MAPPER.writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a file (replacing any), for files inside a directory nobody else sees yet. */
    void write(Path p, byte[] content) {
        try (OutputStream out = fs.create(p, true)) {
            out.write(content);
        } catch (IOException e) {
            throw fail(p, "cannot write", e);
        }
    }

    /** Creates {@code p} only if it does not exist; false when it does. The content may be partial after a crash. */
    boolean createExclusive(Path p, byte[] content) {
        if (fs instanceof LocalFileSystem local) {
            // Hadoop's local create(overwrite=false) checks, then creates: two runs can both "win". The JDK's
            // CREATE_NEW is an atomic O_EXCL create. (HDFS's create(overwrite=false) is atomic at the namenode.)
            java.nio.file.Path file = local.pathToFile(p).toPath();
            try {
                java.nio.file.Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            } catch (IOException e) {
                throw fail(p, "cannot create", e);
            }
        }
        OutputStream out;
        try {
            out = fs.create(p, false);
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (exists(p)) {
                return false; // some file systems report "exists" as a plain IOException
            }
            throw fail(p, "cannot create", e);
        }
        try (OutputStream o = out) {
            o.write(content);
            return true;
        } catch (IOException e) {
            throw fail(p, "cannot write", e);
        }
    }

    /** Replaces {@code p} atomically: readers see the old content or the new, never a mix or nothing. */
    void replace(Path p, byte[] content) {
        Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp-" + UUID.randomUUID());
        write(tmp, content);
        try {
            // The local file system renames over an existing file atomically (POSIX rename); HDFS refuses, and
            // there FileContext's OVERWRITE rename is the atomic replace.
            if (!fs.rename(tmp, p)) {
                fc.rename(fs.makeQualified(tmp), fs.makeQualified(p), Options.Rename.OVERWRITE);
            }
        } catch (IOException e) {
            delete(tmp);
            throw fail(p, "cannot replace", e);
        }
    }

    /** Renames {@code from} to {@code to}; false when {@code to} exists or {@code from} does not. */
    boolean rename(Path from, Path to) {
        try {
            return fs.rename(from, to);
        } catch (IOException e) {
            throw fail(from, "cannot rename to " + to, e);
        }
    }

    void delete(Path p) {
        try {
            fs.delete(p, true);
        } catch (IOException e) {
            throw fail(p, "cannot delete", e);
        }
    }

    /** The entries of a directory, none when it does not exist. */
    List<FileStatus> list(Path dir) {
        try {
            return List.of(fs.listStatus(dir));
        } catch (FileNotFoundException e) {
            return new ArrayList<>();
        } catch (IOException e) {
            throw fail(dir, "cannot list", e);
        }
    }

    long modificationTime(Path p) {
        try {
            return fs.getFileStatus(p).getModificationTime();
        } catch (FileNotFoundException e) {
            return -1;
        } catch (IOException e) {
            throw fail(p, "cannot stat", e);
        }
    }

    static UncheckedIOException fail(Path p, String what, IOException e) {
        return new UncheckedIOException(p + ": " + what + ": " + e.getMessage(), e);
    }
}
