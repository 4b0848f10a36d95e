package dev.sparkmnist.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One progress line that redraws itself in place ({@code \r}) in an interactive terminal: a bar, phase, iteration,
 * loss, samples per second and ETA. Redraws at most a few times a second. Logs and CI output get
 * {@link ProgressLogger}'s plain lines instead, because a redrawn line is unreadable in a file.
 */
public final class ConsoleProgressBar {
    private static final long MIN_REDRAW_NANOS = 200_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private long lastDraw;
    private int lastLength;
    private boolean drawn;

    public ConsoleProgressBar(PrintStream out) {
        this.out = out;
    }

    /** A bar on standard output when it is an interactive terminal, else null. */
    public static ConsoleProgressBar forTerminal() {
        return System.console() != null ? new ConsoleProgressBar(System.out) : null;
    }

    /** Redraws the line, unless it was drawn very recently and the run is not at its end. */
    public void update(int phase, int phases, long done, long total, double loss, double samplesPerSecond,
                       double etaSeconds) {
        long now = System.nanoTime();
        if (drawn && done < total && now - lastDraw < MIN_REDRAW_NANOS) {
            return;
        }
        String line = line(phase, phases, done, total, loss, samplesPerSecond, etaSeconds);
        // Pad with spaces so a shorter line fully covers the previous one.
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        out.flush();
        lastLength = line.length();
        lastDraw = now;
        drawn = true;
    }

    /** Ends the line so later output starts on a fresh one. */
    public void finish() {
        if (drawn) {
            out.println();
            out.flush();
            drawn = false;
        }
    }

    /** The text of the line, e.g. {@code [=========>      ] 45% phase 1/2 it 9,000/20,000 loss 0.1234 ...}. */
    static String line(int phase, int phases, long done, long total, double loss, double samplesPerSecond,
                       double etaSeconds) {
        double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        StringBuilder bar = new StringBuilder("[");
        for (int i = 0; i < BAR_WIDTH; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        bar.append(']');
        return String.format(Locale.ROOT, "%s %3.0f%%  phase %d/%d  it %,d/%,d  loss %.4f  %,.0f samples/s  ETA %s",
                bar, 100 * fraction, phase + 1, phases, done, total, loss, samplesPerSecond,
                ProgressLogger.clock(etaSeconds));
    }
}
