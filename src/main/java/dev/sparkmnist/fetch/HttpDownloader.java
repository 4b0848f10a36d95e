package dev.sparkmnist.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Downloads one URL to a file with timeouts, a bounded number of attempts with doubling back-off, and resumption:
 * when a transfer breaks off, the next attempt asks only for the missing bytes (HTTP Range) and appends them, or
 * starts over cleanly when the server does not honour the range.
 */
final class HttpDownloader {
    private final HttpSettings settings;
    private final PrintStream log;

    HttpDownloader(HttpSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    /** Downloads {@code uri} into {@code part}, resuming from what {@code part} already holds. */
    void download(URI uri, Path part) throws SourceException {
        Failure last = null;
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            if (attempt > 1) {
                long wait = settings.backoff().toMillis() << (attempt - 2);
                log.printf("fetch: %s: %s; attempt %d of %d in %d ms%n", uri, last.getMessage(), attempt,
                        settings.attempts(), wait);
                sleep(wait);
            }
            try {
                transfer(uri, part);
                return;
            } catch (Failure f) {
                if (!f.retryable) {
                    throw new SourceException(f.getMessage(), f.unreachable, f);
                }
                last = f;
            }
        }
        throw new SourceException(last.getMessage() + " (gave up after " + settings.attempts() + " attempts)",
                last.unreachable, last);
    }

    private void transfer(URI uri, Path part) throws Failure {
        long have = sizeOf(part);
        HttpURLConnection c;
        int code;
        try {
            c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout((int) settings.connectTimeout().toMillis());
            c.setReadTimeout((int) settings.readTimeout().toMillis());
            c.setInstanceFollowRedirects(true);
            c.setRequestProperty("User-Agent", "spark-mnist-fetch");
            c.setRequestProperty("Accept-Encoding", "identity");
            if (have > 0) {
                c.setRequestProperty("Range", "bytes=" + have + "-");
            }
            code = c.getResponseCode();
        } catch (UnknownHostException e) {
            throw new Failure("host not found: " + e.getMessage(), false, true, e);
        } catch (ConnectException | NoRouteToHostException e) {
            throw new Failure("cannot connect: " + e.getMessage(), true, true, e);
        } catch (SocketTimeoutException e) {
            throw new Failure("timed out: " + e.getMessage(), true, true, e);
        } catch (IOException | IllegalArgumentException e) {
            throw new Failure("request failed: " + e, true, true, e);
        }
        try {
            boolean append = false;
            if (code == HttpURLConnection.HTTP_PARTIAL && have > 0) {
                if (!rangeStartsAt(c, have)) {
                    deleteQuietly(part);
                    throw new Failure("server answered a different range than asked; starting over", true, false,
                            null);
                }
                append = true;
            } else if (code == 416 && have > 0) {
                deleteQuietly(part);
                throw new Failure("server refused to resume at byte " + have + "; starting over", true, false, null);
            } else if (code != HttpURLConnection.HTTP_OK) {
                boolean retry = code >= 500 || code == 408 || code == 429;
                throw new Failure("HTTP " + code + " " + message(c), retry, false, null);
            }
            long start = append ? have : 0;
            long length = c.getContentLengthLong();
            long total = length >= 0 ? start + length : -1;
            long got = copy(c, part, append, start, total, uri);
            if (total >= 0 && got < total) {
                throw new Failure("connection closed after " + got + " of " + total + " bytes", true, false, null);
            }
        } finally {
            c.disconnect();
        }
    }

    private long copy(HttpURLConnection c, Path part, boolean append, long start, long total, URI uri)
            throws Failure {
        String name = uri.getPath().substring(uri.getPath().lastIndexOf('/') + 1);
        ProgressMeter meter = new ProgressMeter(log, name, total, start, System::nanoTime);
        long got = start;
        try (InputStream in = c.getInputStream();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                got += n;
                meter.update(got);
            }
            return got;
        } catch (IOException e) {
            String detail = e instanceof SocketTimeoutException ? "read timed out" : e.getMessage();
            throw new Failure("transfer broke off after " + got + (total >= 0 ? " of " + total : "") + " bytes ("
                    + detail + ")", true, false, e);
        }
    }

    private static boolean rangeStartsAt(HttpURLConnection c, long have) {
        String range = c.getHeaderField("Content-Range");
        return range != null && range.trim().startsWith("bytes " + have + "-");
    }

    private static String message(HttpURLConnection c) {
        try {
            String m = c.getResponseMessage();
            return m == null ? "" : m;
        } catch (IOException e) {
            return "";
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the next attempt truncates it anyway
        }
    }

    private static void sleep(long millis) throws SourceException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("interrupted", true, e);
        }
    }

    /** One failed attempt: whether another attempt may help, and whether the host could not be reached at all. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean retryable;
        final boolean unreachable;

        Failure(String message, boolean retryable, boolean unreachable, Throwable cause) {
            super(message, cause);
            this.retryable = retryable;
            this.unreachable = unreachable;
        }
    }
}
