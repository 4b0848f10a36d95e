package dev.sparkmnist.fetch;

import java.time.Duration;

/**
 * How patient HTTP downloads are: connect and read (idle) timeouts, attempts per file and the first back-off
 * between attempts (doubled each time). Bounded so an unreachable mirror costs seconds, not minutes.
 */
public record HttpSettings(Duration connectTimeout, Duration readTimeout, int attempts, Duration backoff) {
    public HttpSettings {
        if (attempts < 1) {
            throw new IllegalArgumentException("http.attempts must be at least 1, got " + attempts);
        }
    }
}
