package dev.sparkmnist.ml;

/**
 * Lets a Java subclass of a spark.ml class know its uid while the Scala superclass constructor runs. The Scala
 * traits it mixes in (labelCol, featuresCol, ...) create their {@code Param}s in that constructor and record the
 * owner's {@code uid()} in each; a Java field is not yet assigned then, and a Param recorded with a null owner is
 * later refused by {@code set}. (A Scala class gets its constructor arguments assigned before the superclass
 * constructor; Java cannot.) So the public constructor stashes the uid here, in an argument expression evaluated
 * before {@code super()}, {@code uid()} falls back to it while the field is null, and the constructor clears it.
 */
final class ConstructionUid {
    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    private ConstructionUid() {
    }

    /** Remembers {@code uid} for the constructor about to run on this thread; returns it. */
    static String stash(String uid) {
        PENDING.set(uid);
        return uid;
    }

    /** The uid of the object being constructed on this thread. */
    static String pending() {
        return PENDING.get();
    }

    /** Called once the uid field is assigned. */
    static void clear() {
        PENDING.remove();
    }
}
