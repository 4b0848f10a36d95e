package dev.sparkmnist.train;

/**
 * The driver's block-momentum arithmetic (BMUF, Chen &amp; Huo 2016, Nesterov form, block learning rate 1), in
 * double, in place. {@code global} is the model the run reports and checkpoints, {@code delta} the block
 * momentum buffer; a job starts from {@link #start} and its partitions' average comes back to {@link #apply}.
 * With {@code mu = 0} this is plain model averaging.
 */
public final class BlockMomentum {
    private BlockMomentum() {
    }

    /** Where the next job starts: {@code global + mu * delta} (Nesterov look-ahead). */
    public static double[] start(double[] global, double[] delta, double mu) {
        double[] s = new double[global.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = global[i] + mu * delta[i];
        }
        return s;
    }

    /**
     * Folds one job's averaged model into the buffer and the global model: {@code delta = mu * delta +
     * (average - start)}, {@code global += delta}.
     */
    public static void apply(double[] global, double[] delta, double[] start, double[] average, double mu) {
        for (int i = 0; i < global.length; i++) {
            delta[i] = mu * delta[i] + (average[i] - start[i]);
            global[i] += delta[i];
        }
    }
}
