package dev.sparkmnist.exchange;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of an exchange, in the manner of XGBoost's tracker: each task of a stage attempt connects once,
 * says where it listens, and when all {@code size} have come gets the whole address list and the state to start
 * from; after that the tasks talk among themselves and the tracker only receives what they choose to report
 * (progress, snapshots), so the driver does no work per step. Every connection must pass the {@link Handshake}.
 *
 * <p>A stage that Spark retries comes back as a new attempt: its tasks register afresh and get the start state the
 * supplier gives at that moment (the newest snapshot), so a retried stage continues where the last snapshot was.
 */
public final class Tracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Tracker.class);
    private static final int HANDSHAKE_MILLIS = 10_000;

    private final ServerSocket server;
    private final String host;
    private final Credentials credentials;
    private final int size;
    private final Supplier<Serializable> start;
    private final BiConsumer<Integer, Object> reports;
    private final Map<Integer, Attempt> attempts = new ConcurrentHashMap<>();
    private final List<Socket> sockets = new ArrayList<>();
    private volatile boolean closed;

    /**
     * Listens on {@code bindHost} (an ephemeral port), telling tasks to reach it at {@code advertisedHost}.
     *
     * @param start   the state a new attempt starts from, asked once per attempt
     * @param reports receives (attempt, report) for every report a task sends, on the connection's thread
     */
    public Tracker(String bindHost, String advertisedHost, Credentials credentials, int size,
                   Supplier<Serializable> start, BiConsumer<Integer, Object> reports) {
        try {
            this.server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName(bindHost), 0), 64);
        } catch (IOException e) {
            throw new ExchangeException("the exchange tracker cannot listen on " + bindHost + ": " + e.getMessage(),
                    e);
        }
        this.host = advertisedHost;
        this.credentials = credentials;
        this.size = size;
        this.start = start;
        this.reports = reports;
        Thread t = new Thread(this::acceptLoop, "exchange-tracker");
        t.setDaemon(true);
        t.start();
    }

    public String host() {
        return host;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** How many tasks of stage attempt {@code attempt} have registered. */
    public int registered(int attempt) {
        Attempt a = attempts.get(attempt);
        return a == null ? 0 : a.count();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        synchronized (sockets) {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            synchronized (sockets) {
                sockets.add(s);
            }
            Thread t = new Thread(() -> serve(s), "exchange-tracker-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        int rank;
        DataOutputStream rawOut;
        DataInputStream rawIn;
        try {
            s.setSoTimeout(HANDSHAKE_MILLIS);
            rawIn = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            rawOut = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
            rank = Handshake.accept(rawIn, rawOut, credentials);
            if (rank < 0 || rank >= size) {
                throw new Handshake.RefusedException("unexpected task " + rank);
            }
            s.setSoTimeout(0);
        } catch (IOException | RuntimeException e) {
            LOG.warn("exchange tracker: refused a connection from {}: {}", s.getRemoteSocketAddress(),
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            closeQuietly(s);
            return;
        }
        try {
            ObjectOutputStream out = new ObjectOutputStream(rawOut);
            out.flush();
            ObjectInputStream in = new ObjectInputStream(rawIn);
            TrackerClient.Hello hello = (TrackerClient.Hello) in.readObject();
            Attempt attempt = attempts.computeIfAbsent(hello.attempt(), a -> new Attempt());
            TrackerClient.Welcome welcome = attempt.register(rank, hello.address(), size, start);
            out.writeObject(welcome);
            out.flush();
            while (true) {
                Object report = in.readObject();
                reports.accept(hello.attempt(), report);
            }
        } catch (IOException e) {
            // the task ended or was killed: its stage reports the failure
        } catch (ClassNotFoundException | ClassCastException | InterruptedException e) {
            LOG.warn("exchange tracker: bad message from task {}: {}", rank, e.toString());
        } finally {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** The registrations of one stage attempt. */
    private static final class Attempt {
        private final Map<Integer, PeerAddress> addresses = new TreeMap<>();
        private Serializable startState;

        synchronized int count() {
            return addresses.size();
        }

        /** Records {@code rank} and waits until all {@code size} tasks have come; returns what each gets. */
        synchronized TrackerClient.Welcome register(int rank, PeerAddress address, int size,
                                                    Supplier<Serializable> start) throws InterruptedException {
            addresses.put(rank, address);
            if (addresses.size() == size) {
                startState = start.get();
                notifyAll();
            }
            while (addresses.size() < size) {
                wait();
            }
            return new TrackerClient.Welcome(List.copyOf(addresses.values()), startState);
        }
    }
}
