package dev.sparkmnist.data;

/**
 * How raw pixel bytes become network inputs. {@code RAW} keeps 0..255 as the original notebook did (it saturates
 * tanh and caps accuracy near 81%); {@code UNIT} divides by 255, which is what reaches 98%.
 */
public enum InputScaling {
    RAW(1.0),
    UNIT(1.0 / 255.0);

    private final double factor;

    InputScaling(double factor) {
        this.factor = factor;
    }

    /** Multiply a pixel value 0..255 by this to get the network input. */
    public double factor() {
        return factor;
    }
}
