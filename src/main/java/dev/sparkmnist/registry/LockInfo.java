package dev.sparkmnist.registry;

import java.time.Instant;

/**
 * The content of the registry's {@code lock} file: who holds it and until when. A lock past its expiry belongs
 * to a run that died (the holder renews it while alive), so the next run may break it.
 *
 * @param runId      unique per run, so a holder can tell its own lock from a newer one
 * @param owner      user and command that took it
 * @param host       host name of the holder
 * @param pid        process id of the holder
 * @param acquiredAt when it was taken (ISO-8601)
 * @param expiresAt  when it lapses unless renewed (ISO-8601)
 */
public record LockInfo(String runId, String owner, String host, long pid, String acquiredAt, String expiresAt) {

    /** True when the lock has lapsed at {@code now}. */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(Instant.parse(expiresAt));
    }

    /** One line for messages. */
    public String describe() {
        return owner + " on " + host + (pid > 0 ? " (pid " + pid + ", since " : " (since ") + acquiredAt
                + ", expires " + expiresAt + ")";
    }
}
