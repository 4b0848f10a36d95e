package dev.sparkmnist.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's append-only log, one immutable file per event under {@code events/}
 * ({@code 00000001-publish.json}, ...), each created exclusively. Object stores such as S3 cannot append to a
 * file, but every Hadoop file system can create one; an entry is therefore never half-written into another.
 */
final class EventLog {
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
    private final RegistryFiles files;
    private final Path dir;

    EventLog(RegistryFiles files, Path dir) {
        this.files = files;
        this.dir = dir;
    }

    /** Appends an event and returns it. */
    RegistryEvent append(String type, Integer version, Integer previous, String detail) {
        long seq = lastSeq() + 1;
        files.mkdirs(dir);
        while (true) {
            RegistryEvent e = new RegistryEvent(seq, type, version, previous, Instant.now().toString(),
                    RunIdentity.host(), RunIdentity.user(), detail);
            Path p = new Path(dir, String.format(Locale.ROOT, "%08d-%s.json", seq, type));
            if (files.createExclusive(p, RegistryFiles.json(e))) {
                LOG.info("registry log: {} version={} previous={} {}", type, version, previous,
                        detail == null ? "" : detail);
                return e;
            }
            seq++;
        }
    }

    /** All events, oldest first; unreadable entries (a crash while creating one) are skipped. */
    List<RegistryEvent> read() {
        List<RegistryEvent> out = new ArrayList<>();
        for (FileStatus s : files.list(dir)) {
            if (seqOf(s.getPath().getName()) < 0) {
                continue;
            }
            try {
                RegistryEvent e = files.readJsonOrNull(s.getPath(), RegistryEvent.class);
                if (e != null) {
                    out.add(e);
                }
            } catch (RuntimeException ex) {
                LOG.warn("skipping unreadable registry log entry {}: {}", s.getPath(), ex.getMessage());
            }
        }
        out.sort(Comparator.comparingLong(RegistryEvent::seq));
        return out;
    }

    private long lastSeq() {
        long max = 0;
        for (FileStatus s : files.list(dir)) {
            max = Math.max(max, seqOf(s.getPath().getName()));
        }
        return max;
    }

    private static long seqOf(String name) {
        int dash = name.indexOf('-');
        if (dash != 8 || !name.endsWith(".json")) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, dash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
