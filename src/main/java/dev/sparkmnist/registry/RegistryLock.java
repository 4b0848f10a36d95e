package dev.sparkmnist.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's lock: a {@code lock} file created exclusively ({@code create(path, overwrite=false)}), holding
 * a {@link LockInfo}. While held, a daemon thread renews its expiry every third of the time-to-live, so only a
 * run that died leaves a lock that lapses; the next run breaks such a stale lock (moving it aside, with a log
 * line) and takes its own. Closing releases the lock if it is still this run's.
 */
public final class RegistryLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryLock.class);
    private static final long POLL_MILLIS = 500;
    private static final long PARTIAL_LOCK_RETRY_MILLIS = 1000;
    private static final String UNREADABLE = "unreadable";

    private final RegistryFiles files;
    private final Path path;
    private final Duration ttl;
    private final LockInfo info;
    private final LockInfo broken;
    private final ScheduledExecutorService heartbeat;
    private volatile boolean lost;

    private RegistryLock(RegistryFiles files, Path path, Duration ttl, LockInfo info, LockInfo broken) {
        this.files = files;
        this.path = path;
        this.ttl = ttl;
        this.info = info;
        this.broken = broken;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "registry-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, ttl.toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lock, waiting up to {@code wait} for a live holder to release it.
     *
     * @throws RegistryBusyException when a live holder keeps it longer than {@code wait}
     */
    static RegistryLock acquire(RegistryFiles files, Path path, String owner, Duration ttl, Duration wait) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new dev.sparkmnist.train.InvalidConfigException("--lock-ttl must be positive, got " + ttl);
        }
        long deadline = System.nanoTime() + Math.max(0, wait.toNanos());
        LockInfo brokenLock = null;
        while (true) {
            Instant now = Instant.now();
            LockInfo mine = new LockInfo(UUID.randomUUID().toString(), owner, RunIdentity.host(), RunIdentity.pid(),
                    now.toString(), now.plus(ttl).toString());
            files.mkdirs(path.getParent());
            if (files.createExclusive(path, RegistryFiles.json(mine))) {
                return new RegistryLock(files, path, ttl, mine, brokenLock);
            }
            LockInfo holder = readHolder(files, path, ttl);
            if (holder != null && holder.expiredAt(Instant.now())) {
                if (breakStale(files, path, holder)) {
                    brokenLock = holder;
                }
                continue;
            }
            if (System.nanoTime() >= deadline) {
                throw new RegistryBusyException("registry " + path.getParent() + " is locked by "
                        + (holder == null ? "another run" : holder.describe()) + "; try again later, or wait with"
                        + " --wait");
            }
            sleep(Math.min(POLL_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        }
    }

    /**
     * The lock's holder. The winner creates the file and then writes it, so a reader can find it empty or partial
     * for a moment: it reads again for up to {@value #PARTIAL_LOCK_RETRY_MILLIS} ms. A lock file that stays
     * unreadable (left partial by a crash) counts as expiring ttl after it was made.
     */
    static LockInfo readHolder(RegistryFiles files, Path path, Duration ttl) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PARTIAL_LOCK_RETRY_MILLIS);
        while (true) {
            try {
                LockInfo info = files.readJsonOrNull(path, LockInfo.class);
                if (info != null && info.expiresAt() != null) {
                    return info;
                }
            } catch (RuntimeException e) {
                // partial content: read again, then judge by the file's age
            }
            long mtime = files.modificationTime(path);
            if (mtime < 0) {
                return null; // released meanwhile
            }
            if (System.nanoTime() >= deadline) {
                Instant made = Instant.ofEpochMilli(mtime);
                return new LockInfo(UNREADABLE, "a run whose lock file is unreadable (being written, or left partial "
                        + "by a crash)", "an unknown host", 0, made.toString(), made.plus(ttl).toString());
            }
            sleep(50);
        }
    }

    /**
     * Moves a stale lock aside. If another run broke it first and already took a new lock, what was moved is
     * that live lock: it is put back and the break does not count.
     */
    private static boolean breakStale(RegistryFiles files, Path path, LockInfo stale) {
        Path aside = new Path(path.getParent(), "." + path.getName() + ".stale-" + UUID.randomUUID());
        if (!files.rename(path, aside)) {
            return false;
        }
        LockInfo moved;
        try {
            moved = files.readJsonOrNull(aside, LockInfo.class);
        } catch (RuntimeException e) {
            moved = null; // partial content: the stale lock we judged by its age
        }
        if (moved != null && !moved.runId().equals(stale.runId()) && !UNREADABLE.equals(stale.runId())) {
            files.rename(aside, path);
            return false;
        }
        LOG.warn("breaking stale registry lock held by {}: it expired at {}", stale.describe(), stale.expiresAt());
        files.delete(aside);
        return true;
    }

    private void renew() {
        try {
            LockInfo now = files.readJsonOrNull(path, LockInfo.class);
            if (now == null || !now.runId().equals(info.runId())) {
                if (!lost) {
                    LOG.error("registry lock {} is no longer held by this run (now: {})", path,
                            now == null ? "none" : now.describe());
                }
                lost = true;
                return;
            }
            Instant t = Instant.now();
            files.replace(path, RegistryFiles.json(new LockInfo(info.runId(), info.owner(), info.host(), info.pid(),
                    info.acquiredAt(), t.plus(ttl).toString())));
        } catch (RuntimeException e) {
            LOG.warn("could not renew registry lock {}: {}", path, e.getMessage(), e);
        }
    }

    /** This run's lock. */
    public LockInfo info() {
        return info;
    }

    /** The stale lock broken to take this one, or null. */
    public LockInfo broken() {
        return broken;
    }

    /** Throws unless the lock file still names this run: checked before anything is published. */
    void checkHeld() {
        LockInfo now = files.readJsonOrNull(path, LockInfo.class);
        if (lost || now == null || !now.runId().equals(info.runId())) {
            throw new IllegalStateException("registry lock " + path + " was lost (taken over by "
                    + (now == null ? "nobody" : now.describe()) + "); not publishing");
        }
    }

    /** Stops renewing and deletes the lock file if it is still this run's. */
    @Override
    public void close() {
        // Let a renewal in flight finish first: otherwise it could rewrite the lock file after it is deleted
        // here, over the lock of the next run that took it meanwhile.
        heartbeat.shutdown();
        try {
            if (!heartbeat.awaitTermination(Math.max(1, ttl.toMillis()), TimeUnit.MILLISECONDS)) {
                heartbeat.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            LockInfo now = files.readJsonOrNull(path, LockInfo.class);
            if (now != null && now.runId().equals(info.runId())) {
                files.delete(path);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not release registry lock {}: {}", path, e.getMessage());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryBusyException("interrupted while waiting for the registry lock");
        }
    }
}
