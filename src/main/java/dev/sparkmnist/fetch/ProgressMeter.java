package dev.sparkmnist.fetch;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress lines for a long transfer: bytes so far, rate and time left, at most one line per interval so a log
 * stays readable. Short transfers print nothing.
 */
final class ProgressMeter {
    private static final long INTERVAL_NANOS = 2_000_000_000L;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long startBytes;
    private final LongSupplier clock;
    private final long startNanos;
    private long lastPrint;

    /** {@code total} is the full size in bytes or -1 when unknown; {@code startBytes} were already there. */
    ProgressMeter(PrintStream out, String label, long total, long startBytes, LongSupplier clock) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.startBytes = startBytes;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        this.lastPrint = startNanos;
    }

    /** Called as bytes arrive; {@code bytes} counts from the start of the file. */
    void update(long bytes) {
        long now = clock.getAsLong();
        if (now - lastPrint >= INTERVAL_NANOS) {
            lastPrint = now;
            out.println(line(bytes, now));
        }
    }

    /** The progress line for {@code bytes} at time {@code now}. */
    String line(long bytes, long now) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = (bytes - startBytes) / seconds;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "fetch: %s %.1f", label, bytes / 1e6));
        if (total > 0) {
            s.append(String.format(Locale.ROOT, " of %.1f MB (%d%%)", total / 1e6, 100 * bytes / total));
        } else {
            s.append(" MB");
        }
        s.append(String.format(Locale.ROOT, ", %.2f MB/s", rate / 1e6));
        if (total > 0 && rate > 0) {
            s.append(String.format(Locale.ROOT, ", ETA %.0f s", (total - bytes) / rate));
        }
        return s.toString();
    }
}
