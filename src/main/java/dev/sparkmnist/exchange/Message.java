package dev.sparkmnist.exchange;

/**
 * One message between two members: the step it belongs to, a few doubles of header (losses, counts) and the
 * slices. A {@code null} message with an error stands for a peer that failed (see {@link Mesh#receive}).
 */
public record Message(long step, double[] header, Slice[] slices) {
}
