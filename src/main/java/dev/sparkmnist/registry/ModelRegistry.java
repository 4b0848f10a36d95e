package dev.sparkmnist.registry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkmnist.export.OnnxExport;
import dev.sparkmnist.fs.ObjectStores;
import dev.sparkmnist.train.InvalidConfigException;

/**
 * A model registry in a directory on any Hadoop path (local, HDFS, S3):
 * <pre>
 *   current                 the published version's number, replaced atomically (temporary file, rename)
 *   lock                    held by the run that may change the registry ({@link RegistryLock})
 *   events/                 append-only log ({@link EventLog})
 *   versions/&lt;n&gt;/          model/ (a {@link dev.sparkmnist.model.ModelStore} directory), metrics.json,
 *                           lineage.json, status.json
 * </pre>
 * A version is assembled under a hidden staging name and renamed into place complete, so a reader never sees
 * half of one; leftovers of a crashed run are cleaned up by {@link #recover} under the lock. Methods that change
 * the registry must be called while holding its lock.
 */
public final class ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
    static final String CURRENT = "current";
    static final String LOCK = "lock";
    static final String VERSIONS = "versions";
    static final String MODEL = "model";
    static final String METRICS = "metrics.json";
    static final String LINEAGE = "lineage.json";
    static final String STATUS = "status.json";
    private static final String STAGING_PREFIX = ".staging-";
    private static final String TRASH_PREFIX = ".trash-";

    private final String dir;
    private final Path root;
    private final RegistryFiles files;
    private final EventLog events;

    private ModelRegistry(String dir) {
        this.dir = dir;
        this.root = new Path(dir);
        this.files = new RegistryFiles(root);
        this.events = new EventLog(files, new Path(root, "events"));
    }

    /**
     * True when {@code dir} is a registry (it has a {@code versions} folder or a {@code current} pointer): commands
     * other than retrain never write into or replace one.
     */
    public static boolean isRegistry(org.apache.hadoop.fs.FileSystem fs, Path dir) throws java.io.IOException {
        return fs.isDirectory(new Path(dir, VERSIONS)) || fs.isFile(new Path(dir, CURRENT));
    }

    /** The registry at {@code dir}; it is created on first write. */
    public static ModelRegistry open(String dir) {
        if (dir == null || dir.isBlank()) {
            throw new InvalidConfigException("--registry must name a directory");
        }
        ObjectStores.warnIfRenameIsCopy(dir, "registry");
        return new ModelRegistry(dir);
    }

    public String dir() {
        return dir;
    }

    /** The current version, or null when none has been published. */
    public Integer current() {
        byte[] bytes = files.readOrNull(new Path(root, CURRENT));
        if (bytes == null) {
            return null;
        }
        String text = new String(bytes, StandardCharsets.UTF_8).trim();
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(new Path(root, CURRENT) + ": expected a version number, found '" + text
                    + "'");
        }
    }

    /** Complete version numbers, ascending (staging and trash directories are not versions). */
    public List<Integer> versions() {
        List<Integer> out = new ArrayList<>();
        for (FileStatus s : files.list(new Path(root, VERSIONS))) {
            String name = s.getPath().getName();
            if (s.isDirectory() && name.matches("[1-9][0-9]{0,8}")) {
                out.add(Integer.valueOf(name));
            }
        }
        Collections.sort(out);
        return out;
    }

    Path versionDir(int n) {
        return new Path(new Path(root, VERSIONS), Integer.toString(n));
    }

    /** The model directory of version {@code n}, for {@code --init-from} or {@code evaluate --model}. */
    public String modelDir(int n) {
        return new Path(versionDir(n), MODEL).toString();
    }

    /** The ONNX export of version {@code n}'s model (written by {@code retrain} unless {@code --no-onnx}). */
    public String onnxFile(int n) {
        return new Path(versionDir(n), OnnxExport.FILE_NAME).toString();
    }

    public Lineage lineage(int n) {
        return files.readJsonOrNull(new Path(versionDir(n), LINEAGE), Lineage.class);
    }

    public VersionStatus status(int n) {
        return files.readJsonOrNull(new Path(versionDir(n), STATUS), VersionStatus.class);
    }

    /** Every version with its verdict, accuracy, parent and time, oldest first. */
    public List<VersionInfo> list() {
        Integer cur = current();
        List<VersionInfo> out = new ArrayList<>();
        for (int n : versions()) {
            Lineage l = lineage(n);
            VersionStatus s = status(n);
            out.add(new VersionInfo(n, s == null ? "unknown" : s.status(), s == null ? Double.NaN : s.testAccuracy(),
                    l == null ? null : l.parent(), l == null ? null : l.endedAt(), cur != null && cur == n,
                    s == null ? null : s.reason()));
        }
        return out;
    }

    /** The log, oldest first. */
    public List<RegistryEvent> events() {
        return events.read();
    }

    EventLog log() {
        return events;
    }

    RegistryFiles files() {
        return files;
    }

    /** Takes the registry's lock; a broken stale lock is recorded in the log. */
    public RegistryLock lock(String owner, Duration ttl, Duration wait) {
        RegistryLock lock = RegistryLock.acquire(files, new Path(root, LOCK), owner, ttl, wait);
        if (lock.broken() != null) {
            events.append("break-lock", null, null, "stale lock of " + lock.broken().describe());
        }
        return lock;
    }

    /** The number the next version gets. */
    int nextVersion() {
        List<Integer> v = versions();
        return v.isEmpty() ? 1 : v.get(v.size() - 1) + 1;
    }

    /** A fresh hidden directory in which version {@code n} is assembled. */
    Path newStaging(int n) {
        Path p = new Path(new Path(root, VERSIONS), STAGING_PREFIX + n + "-" + UUID.randomUUID());
        files.mkdirs(p);
        return p;
    }

    /** Makes a complete staging directory visible as version {@code n}, in one rename. */
    void commit(Path staging, int n) {
        if (!files.rename(staging, versionDir(n))) {
            throw new IllegalStateException("cannot rename " + staging + " to " + versionDir(n)
                    + " (does version " + n + " exist already?)");
        }
    }

    void writeStatus(int n, VersionStatus status) {
        files.replace(new Path(versionDir(n), STATUS), RegistryFiles.json(status));
    }

    void setCurrent(int n) {
        files.mkdirs(root);
        files.replace(new Path(root, CURRENT), (n + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Cleans up after runs that died: staging, trash and temporary files go; a version left pending is marked
     * published when {@code current} already names it (the run died after moving it), else abandoned.
     */
    void recover() {
        for (Path d : new Path[] {root, new Path(root, VERSIONS)}) {
            for (FileStatus s : files.list(d)) {
                String name = s.getPath().getName();
                if (name.startsWith(STAGING_PREFIX) || name.startsWith(TRASH_PREFIX) || name.contains(".tmp-")) {
                    LOG.warn("removing {} left by an earlier run that did not finish", s.getPath());
                    files.delete(s.getPath());
                }
            }
        }
        Integer cur = current();
        String now = Instant.now().toString();
        for (int n : versions()) {
            VersionStatus s = status(n);
            if (s == null || !VersionStatus.PENDING.equals(s.status())) {
                continue;
            }
            if (cur != null && cur == n) {
                writeStatus(n, s.with(VersionStatus.PUBLISHED, s.reason(), now));
                events.append("publish", n, s.compareVersion(), "completed after the publishing run died: "
                        + s.reason());
            } else {
                String why = "its run died before moving current; current stayed at " + cur;
                writeStatus(n, s.with(VersionStatus.ABANDONED, why, now));
                events.append("recover", n, cur, "version " + n + " abandoned: " + why);
            }
        }
    }

    /**
     * Moves {@code current} to version {@code n}. Only published versions qualify unless {@code force}.
     *
     * @return the version that was current before, or null
     */
    public Integer rollback(int n, boolean force) {
        if (!versions().contains(n)) {
            throw new InvalidConfigException("registry " + dir + " has no version " + n + " (versions: "
                    + versions() + ")");
        }
        VersionStatus s = status(n);
        if (!force && (s == null || !VersionStatus.PUBLISHED.equals(s.status()))) {
            throw new InvalidConfigException("version " + n + " is " + (s == null ? "of unknown status" : s.status())
                    + ", not published; use --force to make it current anyway");
        }
        if (!files.exists(new Path(modelDir(n), dev.sparkmnist.model.ModelStore.MODEL_JSON))) {
            throw new InvalidConfigException("version " + n + " has no model (its training diverged); it cannot be "
                    + "current");
        }
        Integer before = current();
        setCurrent(n);
        events.append("rollback", n, before, "current moved from " + before + " to " + n);
        return before;
    }

    /**
     * Deletes all but the newest {@code keep} versions, sparing {@code current} and its parent. A version is
     * renamed to a hidden trash name first, so it disappears whole.
     *
     * @return the versions deleted
     */
    List<Integer> prune(int keep) {
        if (keep < 1) {
            throw new InvalidConfigException("--keep must be at least 1, got " + keep);
        }
        Set<Integer> spared = new HashSet<>();
        Integer cur = current();
        if (cur != null) {
            spared.add(cur);
            Lineage l = lineage(cur);
            if (l != null && l.parent() != null) {
                spared.add(l.parent());
            }
        }
        List<Integer> all = versions();
        List<Integer> deleted = new ArrayList<>();
        for (int i = 0; i < all.size() - keep; i++) {
            int n = all.get(i);
            if (spared.contains(n)) {
                continue;
            }
            Path trash = new Path(new Path(root, VERSIONS), TRASH_PREFIX + n + "-" + UUID.randomUUID());
            if (files.rename(versionDir(n), trash)) {
                files.delete(trash);
                deleted.add(n);
            }
        }
        if (!deleted.isEmpty()) {
            events.append("prune", null, null, "deleted versions " + deleted + " (keeping the newest " + keep
                    + ", current and its parent)");
        }
        return deleted;
    }

    /** Writes the files of a version being assembled. */
    void writeVersionFiles(Path staging, Map<String, Object> metrics, Lineage lineage, VersionStatus status) {
        if (metrics != null) {
            files.write(new Path(staging, METRICS), RegistryFiles.json(metrics));
        }
        files.write(new Path(staging, LINEAGE), RegistryFiles.json(lineage));
        files.write(new Path(staging, STATUS), RegistryFiles.json(status));
    }
}
