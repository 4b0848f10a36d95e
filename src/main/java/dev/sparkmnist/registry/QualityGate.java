package dev.sparkmnist.registry;

import java.util.Locale;

import dev.sparkmnist.train.InvalidConfigException;

/**
 * Decides whether a retrained model may replace the current one: its test accuracy must reach a floor and must
 * not fall below the current model's (measured on the same test set) by more than a tolerance.
 *
 * @param minAccuracy the floor, 0..1
 * @param maxDrop     how far below the current model's accuracy a new one may be, 0..1
 */
public record QualityGate(double minAccuracy, double maxDrop) {

    public QualityGate {
        if (!(minAccuracy >= 0 && minAccuracy <= 1)) {
            throw new InvalidConfigException("--min-accuracy must be in [0, 1], got " + minAccuracy);
        }
        if (!(maxDrop >= 0 && maxDrop <= 1)) {
            throw new InvalidConfigException("--max-drop must be in [0, 1], got " + maxDrop);
        }
    }

    /** The verdict and its reason in words. */
    public record Decision(boolean passed, String reason) {
    }

    /** Judges {@code candidate} against the floor only, saying {@code why} it is not compared with the current. */
    public Decision judgeAlone(double candidate, String why) {
        Decision floor = judge(candidate, null, null);
        return new Decision(floor.passed(), (floor.passed() ? String.format(Locale.ROOT,
                "test accuracy %.4f >= floor %.4f", candidate, minAccuracy) : floor.reason()) + "; " + why);
    }

    /**
     * Judges {@code candidate} against the floor and against {@code current} (null when nothing is current yet).
     */
    public Decision judge(double candidate, Integer currentVersion, Double current) {
        if (!(candidate >= minAccuracy)) {
            return new Decision(false, String.format(Locale.ROOT,
                    "test accuracy %.4f is below the floor %.4f (--min-accuracy)", candidate, minAccuracy));
        }
        if (current != null && candidate < current - maxDrop) {
            return new Decision(false, String.format(Locale.ROOT,
                    "test accuracy %.4f is %.4f below current version %d's %.4f on the same test set "
                            + "(tolerance %.4f, --max-drop)", candidate, current - candidate, currentVersion,
                    current, maxDrop));
        }
        return new Decision(true, current == null
                ? String.format(Locale.ROOT, "test accuracy %.4f >= floor %.4f; no current version", candidate,
                        minAccuracy)
                : String.format(Locale.ROOT, "test accuracy %.4f >= floor %.4f and within %.4f of current version "
                        + "%d's %.4f", candidate, minAccuracy, maxDrop, currentVersion, current));
    }
}
