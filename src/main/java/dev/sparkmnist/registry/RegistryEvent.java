package dev.sparkmnist.registry;

/**
 * One entry of the registry's append-only log: a version published or rejected, {@code current} rolled back,
 * versions pruned, a stale lock broken, a crashed run cleaned up.
 *
 * @param seq      position in the log, from 1
 * @param type     publish, reject, rollback, prune, break-lock, recover
 * @param version  the version concerned, or null
 * @param previous the version that was current before, or null
 * @param time     when (ISO-8601)
 * @param host     where it happened
 * @param user     who ran it
 * @param detail   free text: the gate's reason, the versions pruned, ...
 */
public record RegistryEvent(long seq, String type, Integer version, Integer previous, String time, String host,
                            String user, String detail) {
}
