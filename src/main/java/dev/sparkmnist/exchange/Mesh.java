package dev.sparkmnist.exchange;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's end of a full mesh among the {@code size} members of an exchange (the tasks of one barrier stage).
 * Members in the same JVM pass {@link Message}s by reference through in-memory queues; members in other JVMs over
 * one TCP connection per pair, with a reader and a writer thread per connection, so a member never blocks on a
 * send and messages from each peer arrive in order.
 *
 * <p>Why plain sockets and not Netty (which Spark ships) or a selector loop: the traffic is a few large messages per
 * step between a fixed set of peers, where one blocking connection per pair and the kernel's buffers already run at
 * memory speed (the benchmark's alpha-beta fit), read timeouts are one call, and Netty's API and packaging differ
 * between the Spark releases this jar runs on (shaded in some distributions), which would tie the jar to one.
 *
 * <p>No open door: the member listens on its executor's bind address only, from {@link #listen} until every
 * expected peer has connected (then the server socket closes), and every connection must pass the
 * {@link Handshake}; anything else is refused, logged and closed without touching the exchange.
 *
 * <p>Buffers: a message between members of one JVM is a view of the sender's arrays. Callers keep to a two-phase
 * protocol (send contributions, receive results) in which a sender reuses an array only after receiving a reply
 * that the receiver sends after it is done with it; {@link Slice} says so too.
 *
 * <p>Timeouts: {@link #receive} waits at most {@code timeoutMillis} and then fails naming the peer, so a stuck peer
 * gives a clear error instead of a hang.
 */
public final class Mesh implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Mesh.class);
    /** Identifies this JVM among the members: equal ids share memory. */
    public static final String JVM = UUID.randomUUID().toString();
    private static final ConcurrentHashMap<String, Mesh> IN_THIS_JVM = new ConcurrentHashMap<>();
    private static final int HANDSHAKE_MILLIS = 10_000;

    private final String group;
    private final int rank;
    private final int size;
    private final Credentials credentials;
    private final long timeoutMillis;
    private final ServerSocket server;
    private final PeerAddress address;
    private final BlockingQueue<Object>[] inbox;
    private final AtomicReferenceArray<Connection> accepted;
    private final CountDownLatch allAccepted;
    private final Link[] links;
    private volatile boolean closed;
    private List<PeerAddress> peers;

    @SuppressWarnings("unchecked")
    private Mesh(String group, int rank, int size, String bindHost, Credentials credentials, long timeoutMillis)
            throws IOException {
        this.group = group;
        this.rank = rank;
        this.size = size;
        this.credentials = credentials;
        this.timeoutMillis = timeoutMillis;
        this.inbox = new BlockingQueue[size];
        for (int i = 0; i < size; i++) {
            inbox[i] = new LinkedBlockingQueue<>();
        }
        this.accepted = new AtomicReferenceArray<>(size);
        this.allAccepted = new CountDownLatch(1);
        this.links = new Link[size];
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(bindHost), 0), size + 8);
        this.address = new PeerAddress(rank, bindHost, server.getLocalPort(), JVM);
    }

    /**
     * Opens member {@code rank}'s listening socket on {@code bindHost} (an ephemeral port) and makes it visible to
     * members of the same {@code group} in this JVM. {@link #connect} completes the mesh.
     */
    public static Mesh listen(String group, int rank, int size, String bindHost, Credentials credentials,
                              long timeoutMillis) {
        try {
            Mesh m = new Mesh(group, rank, size, bindHost, credentials, timeoutMillis);
            IN_THIS_JVM.put(group + "/" + rank, m);
            Thread t = new Thread(m::acceptLoop, "exchange-accept-" + rank);
            t.setDaemon(true);
            t.start();
            return m;
        } catch (IOException e) {
            throw new ExchangeException("task " + rank + " cannot listen on " + bindHost + ": " + e.getMessage(), e);
        }
    }

    /** Where this member listens. */
    public PeerAddress address() {
        return address;
    }

    public int rank() {
        return rank;
    }

    /** Number of peers reached over TCP (the others share this JVM). */
    public int remotePeers() {
        int n = 0;
        for (Link l : links) {
            n += l instanceof Connection ? 1 : 0;
        }
        return n;
    }

    /**
     * Links this member to every other: in-memory to those in this JVM; a connection to each remote member of
     * lower rank, and the accepted connection from each of higher rank. Returns when all links stand.
     */
    public void connect(List<PeerAddress> all) {
        this.peers = List.copyOf(all);
        long deadline = System.currentTimeMillis() + timeoutMillis;
        try {
            for (PeerAddress p : all) {
                int j = p.rank();
                if (j == rank) {
                    continue;
                }
                if (p.jvm().equals(JVM)) {
                    links[j] = new Local(awaitLocal(j, deadline));
                } else if (j < rank) {
                    links[j] = dial(p, deadline);
                }
            }
            for (PeerAddress p : all) {
                int j = p.rank();
                if (j > rank && !p.jvm().equals(JVM)) {
                    links[j] = awaitAccepted(j, deadline);
                }
            }
        } catch (IOException e) {
            throw new ExchangeException("task " + rank + " could not connect to its peers: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExchangeException("task " + rank + " was interrupted while connecting", e);
        }
        closeServer();
    }

    /** Sends {@code m} to member {@code peer}; returns at once. */
    public void send(int peer, Message m) {
        links[peer].send(m);
    }

    /** The next message from member {@code peer}, waiting at most the timeout. */
    public Message receive(int peer) {
        Object o;
        try {
            o = inbox[peer].poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExchangeException("task " + rank + " was interrupted waiting for " + describe(peer), e);
        }
        if (o == null) {
            throw new ExchangeException(String.format("task %d: no data from %s for %.0f s: the peer is stuck or "
                    + "gone (spark.sparkmnist.exchange.timeout)", rank, describe(peer), timeoutMillis / 1000.0));
        }
        if (o instanceof Failure f) {
            throw new ExchangeException("task " + rank + ": " + describe(peer) + " failed: " + f.reason());
        }
        return (Message) o;
    }

    private String describe(int peer) {
        return peers == null ? "task " + peer : peers.get(peer).toString();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        IN_THIS_JVM.remove(group + "/" + rank);
        closeServer();
        for (Link l : links) {
            if (l != null) {
                l.close();
            }
        }
        for (int j = 0; j < size; j++) {
            Connection c = accepted.get(j);
            if (c != null && links[j] != c) {
                c.close();
            }
        }
    }

    private void closeServer() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a listening socket: nothing to recover
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread t = new Thread(() -> admit(s), "exchange-handshake-" + rank);
            t.setDaemon(true);
            t.start();
        }
    }

    /** Runs the handshake on an accepted socket; a stranger is logged and closed. */
    private void admit(Socket s) {
        try {
            s.setSoTimeout(HANDSHAKE_MILLIS);
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
            int peer = Handshake.accept(in, out, credentials);
            if (peer <= rank || peer >= size || accepted.get(peer) != null) {
                throw new Handshake.RefusedException("unexpected member " + peer);
            }
            s.setSoTimeout(0);
            Connection c = new Connection(peer, s, in, out);
            accepted.set(peer, c);
            synchronized (accepted) {
                accepted.notifyAll();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("exchange task {}: refused a connection from {}: {}", rank, s.getRemoteSocketAddress(),
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            try {
                s.close();
            } catch (IOException ignored) {
                // already refusing
            }
        }
    }

    private Connection awaitAccepted(int peer, long deadline) throws InterruptedException {
        synchronized (accepted) {
            while (accepted.get(peer) == null) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new ExchangeException("task " + rank + ": task " + peer + " did not connect within "
                            + timeoutMillis / 1000 + " s");
                }
                accepted.wait(Math.min(left, 100));
            }
        }
        return accepted.get(peer);
    }

    private Mesh awaitLocal(int peer, long deadline) throws InterruptedException {
        Mesh m;
        while ((m = IN_THIS_JVM.get(group + "/" + peer)) == null) {
            if (System.currentTimeMillis() > deadline) {
                throw new ExchangeException("task " + rank + ": task " + peer + " of this JVM never started");
            }
            Thread.sleep(5);
        }
        return m;
    }

    private Connection dial(PeerAddress p, long deadline) throws IOException, InterruptedException {
        IOException last = null;
        while (System.currentTimeMillis() < deadline) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(p.host(), p.port()), HANDSHAKE_MILLIS);
                s.setSoTimeout(HANDSHAKE_MILLIS);
                s.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
                Handshake.connect(in, out, credentials, rank);
                s.setSoTimeout(0);
                return new Connection(p.rank(), s, in, out);
            } catch (Handshake.RefusedException e) {
                s.close();
                throw e;
            } catch (IOException e) {
                s.close();
                last = e;
                Thread.sleep(50);
            }
        }
        throw new IOException("cannot reach " + p + (last == null ? "" : ": " + last.getMessage()));
    }

    /** How a message reaches one peer. */
    private interface Link {
        void send(Message m);

        void close();
    }

    /** A peer in this JVM: its inbox is reached directly. */
    private final class Local implements Link {
        private final Mesh peer;

        Local(Mesh peer) {
            this.peer = peer;
        }

        @Override
        public void send(Message m) {
            peer.inbox[rank].add(m);
        }

        @Override
        public void close() {
            peer.inbox[rank].add(new Failure("task " + rank + " left the exchange"));
        }
    }

    /** A peer in another JVM: one socket, a writer thread draining an outbox, a reader thread filling the inbox. */
    private final class Connection implements Link {
        private final int peer;
        private final Socket socket;
        private final BlockingQueue<Object> outbox = new LinkedBlockingQueue<>();
        private final Thread writer;

        Connection(int peer, Socket socket, DataInputStream in, DataOutputStream out) throws SocketException {
            this.peer = peer;
            this.socket = socket;
            socket.setSendBufferSize(1 << 20);
            socket.setReceiveBufferSize(1 << 20);
            Thread reader = new Thread(() -> readLoop(in), "exchange-read-" + rank + "<" + peer);
            reader.setDaemon(true);
            reader.start();
            writer = new Thread(() -> writeLoop(out), "exchange-write-" + rank + ">" + peer);
            writer.setDaemon(true);
            writer.start();
        }

        @Override
        public void send(Message m) {
            outbox.add(m);
        }

        private void readLoop(DataInputStream in) {
            Wire wire = new Wire();
            try {
                while (true) {
                    inbox[peer].add(wire.read(in));
                }
            } catch (IOException | RuntimeException e) {
                inbox[peer].add(new Failure(closed ? "closed" : "connection lost (" + e + ")"));
            }
        }

        private void writeLoop(DataOutputStream out) {
            Wire wire = new Wire();
            try {
                while (true) {
                    Object o = outbox.take();
                    if (o instanceof Failure) {
                        out.flush();
                        return;
                    }
                    wire.write(out, (Message) o);
                    if (outbox.isEmpty()) {
                        out.flush();
                    }
                }
            } catch (IOException | InterruptedException e) {
                inbox[peer].add(new Failure("cannot send (" + e + ")"));
            }
        }

        @Override
        public void close() {
            outbox.add(new Failure("end"));
            try {
                writer.join(timeoutMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** Stands in an inbox for a peer that failed or left. */
    private record Failure(String reason) {
    }
}
