package dev.sparkmnist.registry;

/**
 * The gate's verdict on a version ({@code status.json}).
 *
 * @param status          {@link #PUBLISHED}, {@link #REJECTED}, {@link #PENDING} (passed the gate, {@code current}
 *                        not yet moved) or {@link #ABANDONED} (its run died before publishing it)
 * @param reason          why, in words
 * @param testAccuracy    the version's test accuracy, NaN when training diverged
 * @param compareVersion  the version that was current when it was judged, or null
 * @param compareAccuracy that version's accuracy on the same test set, or null
 * @param decidedAt       when (ISO-8601)
 */
public record VersionStatus(String status, String reason, double testAccuracy, Integer compareVersion,
                            Double compareAccuracy, String decidedAt) {
    public static final String PUBLISHED = "published";
    public static final String REJECTED = "rejected";
    public static final String PENDING = "pending";
    public static final String ABANDONED = "abandoned";

    /** The same verdict with another status and reason. */
    public VersionStatus with(String newStatus, String newReason, String time) {
        return new VersionStatus(newStatus, newReason, testAccuracy, compareVersion, compareAccuracy, time);
    }
}
