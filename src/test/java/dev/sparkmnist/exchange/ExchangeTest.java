package dev.sparkmnist.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The exchange on its own, without Spark: members that pretend to live in separate JVMs talk over TCP on
 * 127.0.0.1, so the socket path, the handshake and the timeouts are what runs. Strangers (another run's token,
 * a wrong Spark secret, garbage bytes) are refused at the member and at the tracker while the members exchange, and
 * the members' results stay exact; a member that stops answering makes its peers fail with its name.
 */
@Timeout(120)
class ExchangeTest {
    private static final String HOST = "127.0.0.1";

    @Test
    void membersOverTcpExchangeExactlyWhileStrangersAreRefused() throws Exception {
        Credentials run = Credentials.fresh("the-spark-secret");
        int size = 3;
        List<Object> reports = new CopyOnWriteArrayList<>();
        try (Tracker tracker = new Tracker(HOST, HOST, run, size, () -> "start-state",
                (attempt, report) -> reports.add(report))) {
            ExecutorService pool = Executors.newFixedThreadPool(size);
            List<Mesh> meshes = new CopyOnWriteArrayList<>();
            List<Future<double[]>> results = new ArrayList<>();
            for (int r = 0; r < size; r++) {
                int rank = r;
                results.add(pool.submit(() -> member(rank, size, run, tracker, meshes, 20)));
            }
            // Strangers knock while the members set up and exchange.
            waitFor(() -> meshes.size() == size);
            int[] ports = {tracker.port(), meshes.get(0).address().port()};
            for (int port : ports) {
                assertTrue(refused(port, Credentials.fresh("the-spark-secret")), "another run's token");
                assertTrue(refused(port, run.withSecret("a-wrong-secret")), "a wrong Spark secret");
                assertTrue(garbageRefused(port), "garbage bytes");
            }
            for (int r = 0; r < size; r++) {
                double[] got = results.get(r).get(60, TimeUnit.SECONDS);
                assertArrayEquals(expected(20), got, 0.0, "member " + r + " summed exactly");
            }
            pool.shutdownNow();
            waitFor(() -> reports.size() == 20);
            assertEquals(20, reports.size(), "member 0 reported every step");
        }
    }

    @Test
    void aStuckPeerGivesAClearErrorAfterTheTimeout() throws Exception {
        Credentials run = Credentials.fresh(null);
        Mesh a = Mesh.listen("stuck", 0, 2, HOST, run, 1_000);
        Mesh b = Mesh.listen("stuck", 1, 2, HOST, run, 1_000);
        try {
            List<PeerAddress> peers = List.of(remote(a.address()), remote(b.address()));
            ExecutorService pool = Executors.newSingleThreadExecutor();
            Future<?> other = pool.submit(() -> b.connect(peers));
            a.connect(peers);
            other.get(30, TimeUnit.SECONDS);
            // b never sends: a's wait ends after the timeout with a message naming b.
            long t0 = System.nanoTime();
            ExchangeException e = assertThrows(ExchangeException.class, () -> a.receive(1));
            double waited = (System.nanoTime() - t0) / 1e9;
            assertTrue(e.getMessage().contains("no data from task 1 (127.0.0.1:" + b.address().port() + ")")
                    && e.getMessage().contains("stuck or gone"), e.getMessage());
            assertTrue(waited >= 0.9 && waited < 20, "waited " + waited + " s");
            // b goes away: a hears it at once, not after the timeout.
            b.close();
            ExchangeException gone = assertThrows(ExchangeException.class, () -> a.receive(1));
            assertTrue(gone.getMessage().contains("task 1"), gone.getMessage());
            pool.shutdownNow();
        } finally {
            a.close();
            b.close();
        }
    }

    /** One member: registers, joins the mesh, then per step sends its values and sums everyone's in rank order. */
    private static double[] member(int rank, int size, Credentials run, Tracker tracker, List<Mesh> meshes, int steps) {
        try (Mesh mesh = Mesh.listen("test", rank, size, HOST, run, 30_000);
             TrackerClient client = TrackerClient.connect(HOST, tracker.port(), run, rank, 30_000)) {
            meshes.add(mesh);
            TrackerClient.Welcome w = client.register(0, remote(mesh.address()));
            assertEquals("start-state", w.start());
            mesh.connect(w.peers());
            double[] total = new double[4];
            for (int step = 0; step < steps; step++) {
                float[] mine = values(rank, step);
                for (int t = 0; t < size; t++) {
                    if (t != rank) {
                        mesh.send(t, new Message(step, new double[] {rank}, new Slice[] {Slice.of(mine, 0, 4),
                                Slice.of(new int[] {9, rank, step, -7, Integer.MAX_VALUE}, 1, 4)}));
                    }
                }
                double[] sum = new double[4];
                for (int t = 0; t < size; t++) {
                    Slice s = Slice.of(mine, 0, 4);
                    if (t != rank) {
                        Message m = mesh.receive(t);
                        s = m.slices()[0];
                        assertArrayEquals(new int[] {t, step, -7, Integer.MAX_VALUE}, m.slices()[1].intArray(),
                                "int values from member " + t);
                    }
                    for (int i = 0; i < 4; i++) {
                        sum[i] += s.floats()[s.offset() + i];
                    }
                }
                for (int i = 0; i < 4; i++) {
                    total[i] += sum[i];
                }
                if (rank == 0) {
                    client.report((Serializable) Integer.valueOf(step));
                }
            }
            return total;
        }
    }

    private static float[] values(int rank, int step) {
        return new float[] {rank + step * 0.5f, rank * 1e-3f, -step, 1f / (1 + rank + step)};
    }

    private static double[] expected(int steps) {
        double[] total = new double[4];
        for (int step = 0; step < steps; step++) {
            double[] sum = new double[4];
            for (int r = 0; r < 3; r++) {
                float[] v = values(r, step);
                for (int i = 0; i < 4; i++) {
                    sum[i] += v[i];
                }
            }
            for (int i = 0; i < 4; i++) {
                total[i] += sum[i];
            }
        }
        return total;
    }

    /** The address as a member of another JVM would give it, so that peers dial it over TCP. */
    private static PeerAddress remote(PeerAddress a) {
        return new PeerAddress(a.rank(), a.host(), a.port(), "another-jvm-" + a.rank());
    }

    /** True when a handshake with {@code credentials} as member 2 is refused by whatever listens on {@code port}. */
    private static boolean refused(int port, Credentials credentials) {
        try (Socket s = new Socket(HOST, port)) {
            s.setSoTimeout(15_000);
            java.io.DataOutputStream out = new java.io.DataOutputStream(s.getOutputStream());
            Handshake.connect(new DataInputStream(s.getInputStream()), out, credentials, 2);
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    /** True when garbage bytes get the connection closed. */
    private static boolean garbageRefused(int port) {
        try (Socket s = new Socket(HOST, port)) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            out.write(new byte[4096]);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1024];
            while (in.read(buf) >= 0) {
                // the 36-byte greeting, then end of stream when the peer closes
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (Exception e) {
            return true; // reset by the peer
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

}
