package dev.sparkmnist.exchange;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A task's connection to the {@link Tracker}: one registration ({@link #register}) that returns the peers'
 * addresses and the start state, then reports sent by a background thread so that reporting never holds up a step.
 */
public final class TrackerClient implements AutoCloseable {
    private static final Object END = new Object();

    private final Socket socket;
    private final ObjectOutputStream out;
    private final ObjectInputStream in;
    private final BlockingQueue<Object> outbox = new LinkedBlockingQueue<>();
    private Thread sender;
    private volatile IOException failure;

    private TrackerClient(Socket socket, ObjectOutputStream out, ObjectInputStream in) {
        this.socket = socket;
        this.out = out;
        this.in = in;
    }

    /** Connects to the tracker at {@code host:port} and proves membership as task {@code rank}. */
    public static TrackerClient connect(String host, int port, Credentials credentials, int rank,
                                        int timeoutMillis) {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            DataInputStream rawIn = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            DataOutputStream rawOut = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
            Handshake.connect(rawIn, rawOut, credentials, rank);
            ObjectOutputStream out = new ObjectOutputStream(rawOut);
            out.flush();
            return new TrackerClient(s, out, new ObjectInputStream(rawIn));
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // failing anyway
            }
            throw new ExchangeException("task " + rank + " cannot reach the exchange tracker on the driver at " + host
                    + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Registers this task of stage attempt {@code attempt} at {@code address}; waits (up to the connect timeout)
     * until every task has, then returns the peers and the start state.
     */
    public Welcome register(int attempt, PeerAddress address) {
        try {
            out.writeObject(new Hello(attempt, address));
            out.flush();
            Welcome w = (Welcome) in.readObject();
            socket.setSoTimeout(0);
            sender = new Thread(this::sendLoop, "exchange-report-" + address.rank());
            sender.setDaemon(true);
            sender.start();
            return w;
        } catch (IOException | ClassNotFoundException e) {
            throw new ExchangeException("task " + address.rank() + ": registration with the exchange tracker failed"
                    + " (not all tasks started in time?): " + e.getMessage(), e);
        }
    }

    /** Queues {@code report} for the tracker; returns at once. */
    public void report(Serializable report) {
        if (failure != null) {
            throw new ExchangeException("the exchange tracker on the driver is gone: " + failure.getMessage(),
                    failure);
        }
        outbox.add(report);
    }

    private void sendLoop() {
        try {
            while (true) {
                Object o = outbox.take();
                if (o == END) {
                    out.flush();
                    return;
                }
                out.writeObject(o);
                out.reset();
                if (outbox.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends what is queued, then closes. */
    @Override
    public void close() {
        outbox.add(END);
        if (sender != null) {
            try {
                sender.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** A task's registration. */
    record Hello(int attempt, PeerAddress address) implements Serializable {
    }

    /** The tracker's answer: every task's address (by rank) and the state to start from. */
    public record Welcome(List<PeerAddress> peers, Serializable start) implements Serializable {
    }
}
