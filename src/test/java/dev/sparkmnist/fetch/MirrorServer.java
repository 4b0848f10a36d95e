package dev.sparkmnist.fetch;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A test HTTP server on 127.0.0.1 (ephemeral port) with one context per mirror behaviour: {@code /missing/}
 * answers 404, {@code /corrupt/} serves a wrong (but well-formed) file, {@code /halfway/} closes every response
 * half-way and ignores Range, {@code /stall/} sends a few bytes and
 * then nothing, {@code /good/} serves the files and honours Range, {@code /flaky/} cuts each file's
 * first response half-way and honours Range afterwards. Counts requests and bytes sent.
 */
final class MirrorServer implements AutoCloseable {
    private final HttpServer server;
    private final Path goodDir;
    private final Path corruptDir;
    private final Map<String, Boolean> flakyCut = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final List<String> rangeHeaders = new CopyOnWriteArrayList<>();

    /** {@code goodDir} and {@code corruptDir} hold the {@code .gz} files to serve. */
    MirrorServer(Path goodDir, Path corruptDir) throws IOException {
        this.goodDir = goodDir;
        this.corruptDir = corruptDir;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/missing/", ex -> respond(ex, 404, new byte[0], -1));
        server.createContext("/corrupt/", ex -> serve(ex, corruptDir, false, false));
        server.createContext("/halfway/", ex -> serve(ex, goodDir, true, false));
        server.createContext("/good/", ex -> serve(ex, goodDir, false, true));
        server.createContext("/flaky/", ex -> {
            String name = fileName(ex);
            boolean cut = flakyCut.putIfAbsent(name, Boolean.TRUE) == null;
            serve(ex, goodDir, cut, true);
        });
        server.createContext("/stall/", ex -> {
            requests.incrementAndGet();
            try (ex) {
                ex.sendResponseHeaders(200, 1000);
                ex.getResponseBody().write(new byte[10]);
                ex.getResponseBody().flush();
                Thread.sleep(STALL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client gave up first
            }
        });
        server.start();
    }

    /** How long {@code /stall/} keeps a response open without sending more. */
    static final long STALL_MILLIS = 4000;

    /** The base URL of one behaviour, e.g. {@code url("good")}. */
    String url(String behaviour) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + behaviour + "/";
    }

    private void serve(HttpExchange ex, Path dir, boolean cutHalfway, boolean honourRange) throws IOException {
        Path file = dir.resolve(fileName(ex));
        if (!Files.isRegularFile(file)) {
            respond(ex, 404, new byte[0], -1);
            return;
        }
        byte[] all = Files.readAllBytes(file);
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null) {
            rangeHeaders.add(fileName(ex) + " " + range);
        }
        int from = 0;
        if (honourRange && range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (all.length - 1) + "/" + all.length);
        }
        byte[] body = java.util.Arrays.copyOfRange(all, from, all.length);
        respond(ex, from > 0 ? 206 : 200, body, cutHalfway ? body.length / 2 : -1);
    }

    /** Sends {@code body}; with {@code cutAt >= 0} announces the full length but stops there and drops the line. */
    private void respond(HttpExchange ex, int code, byte[] body, int cutAt) throws IOException {
        requests.incrementAndGet();
        try {
            ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                OutputStream out = ex.getResponseBody();
                int n = cutAt >= 0 ? cutAt : body.length;
                out.write(body, 0, n);
                out.flush();
                bytesSent.addAndGet(n);
                if (cutAt < 0) {
                    out.close();
                }
            }
        } finally {
            ex.close();
        }
    }

    private static String fileName(HttpExchange ex) {
        String path = ex.getRequestURI().getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
