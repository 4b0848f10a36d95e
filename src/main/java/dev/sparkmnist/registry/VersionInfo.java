package dev.sparkmnist.registry;

/**
 * One row of {@code registry list}: a version's number, verdict, accuracy, parent, time and whether it is current.
 *
 * @param version      number
 * @param status       published, rejected, pending, abandoned
 * @param testAccuracy test accuracy, NaN when unknown
 * @param parent       version it continued from, or null
 * @param endedAt      when its run finished
 * @param current      whether {@code current} names it
 * @param reason       the gate's reason
 */
public record VersionInfo(int version, String status, double testAccuracy, Integer parent, String endedAt,
                          boolean current, String reason) {
}
