package dev.sparkmnist.data;

/**
 * How raw pixel bytes become network inputs: {@code input = pixel * factor + offset}. {@code RAW} keeps 0..255 as
 * the original notebook did (it saturates tanh and caps accuracy near 81%); {@code UNIT} divides by 255;
 * {@code STANDARD} also centres and scales the inputs to mean 0 and variance 1 over the MNIST training set (its
 * 0..1 pixels have mean 0.1307 and standard deviation 0.3081), which tanh units learn from about twice as fast:
 * all-positive inputs push every weight into a unit in the same direction at each step.
 */
public enum InputScaling {
    RAW(1.0, 0.0),
    UNIT(1.0 / 255.0, 0.0),
    STANDARD(1.0 / (255.0 * 0.3081), -0.1307 / 0.3081);

    private final double factor;
    private final double offset;

    InputScaling(double factor, double offset) {
        this.factor = factor;
        this.offset = offset;
    }

    /** Multiply a pixel value 0..255 by this, then add {@link #offset()}, to get the network input. */
    public double factor() {
        return factor;
    }

    /** Added after {@link #factor()}. */
    public double offset() {
        return offset;
    }

    /** The network input for a pixel value 0..255. */
    public double apply(int pixel) {
        return pixel * factor + offset;
    }
}
