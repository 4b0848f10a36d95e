package dev.sparkmnist.train;

import java.util.Locale;

/**
 * How the driver combines the partitions' locally trained models after each Spark job (local SGD only).
 * <ul>
 *   <li>{@code PLAIN}: the new model is the average of the partitions' models (model averaging).</li>
 *   <li>{@code BMUF}: block momentum (Chen &amp; Huo 2016, Nesterov form, block learning rate 1): the averaged
 *       update of a job feeds a momentum buffer on the driver, {@code delta = mu * delta + (avg - start)},
 *       {@code global += delta}, and the next job starts from {@code global + mu * delta}; mu = 1 - 1/partitions.
 *       Each partition trains at the reference batch's rate (no linear scaling): the block momentum supplies
 *       the step size that averaging divides away.</li>
 *   <li>{@code POST_LOCAL}: post-local SGD (Lin et al. 2018): plain averaging, one local step per job during the
 *       first part of the phase, then the full local-step count.</li>
 *   <li>{@code AUTO}: picks one of the above from the partition count (see {@link ScaleOut#averagingFor}).</li>
 * </ul>
 */
public enum Averaging {
    PLAIN,
    BMUF,
    POST_LOCAL,
    AUTO;

    /** Parses {@code plain|bmuf|post-local|auto}, naming {@code option} in the error. */
    public static Averaging parse(String value, String option) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(option + " must be plain, bmuf, post-local or auto, got '" + value + "'");
        }
    }

    /** The option spelling: plain, bmuf, post-local, auto. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
