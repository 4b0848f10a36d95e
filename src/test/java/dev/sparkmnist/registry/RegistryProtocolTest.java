package dev.sparkmnist.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.InputScaling;
import dev.sparkmnist.train.InvalidConfigException;
import dev.sparkmnist.train.PhaseConfig;
import dev.sparkmnist.train.TrainingConfig;

/** The registry's lock, publish, recovery, rollback and retention protocol, without Spark. */
class RegistryProtocolTest {
    private static final Duration TTL = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Publishes a version the way {@link Retrainer} does, without training (caller holds the lock). */
    private static int publish(ModelRegistry r, RegistryLock lock, boolean passes) {
        Integer current = r.current();
        int n = r.nextVersion();
        org.apache.hadoop.fs.Path staging = r.newStaging(n);
        TrainingConfig config = new TrainingConfig(8, n, InputScaling.UNIT, 1, 1, List.of(PhaseConfig.plain(1, 1,
                0.1, 0)));
        Lineage lineage = new Lineage(n, current, "fp" + n, "data", java.util.Map.of(), config, "t", "c", "s", "h",
                "u", Instant.now().toString(), Instant.now().toString(), false);
        VersionStatus status = new VersionStatus(passes ? VersionStatus.PENDING : VersionStatus.REJECTED, "test",
                0.9, current, null, Instant.now().toString());
        r.writeVersionFiles(staging, java.util.Map.of("testAccuracy", 0.9), lineage, status);
        // a stand-in for the model directory (the protocol only checks that it is there)
        r.files().write(new org.apache.hadoop.fs.Path(staging, "model/model.json"), "{}".getBytes());
        r.commit(staging, n);
        if (passes) {
            lock.checkHeld();
            r.setCurrent(n);
            r.writeStatus(n, status.with(VersionStatus.PUBLISHED, "test", Instant.now().toString()));
            r.log().append("publish", n, current, "test");
        } else {
            r.log().append("reject", n, current, "test");
        }
        return n;
    }

    private ModelRegistry registry() {
        return ModelRegistry.open(dir.resolve("reg").toString());
    }

    @Test
    void runsStartedTogetherWithoutWaitingExactlyOnePublishes() throws Exception {
        ModelRegistry r = registry();
        int runs = 4;
        CyclicBarrier start = new CyclicBarrier(runs);
        CountDownLatch losersDone = new CountDownLatch(runs - 1);
        AtomicInteger published = new AtomicInteger();
        List<String> busy = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try (RegistryLock lock = ModelRegistry.open(r.dir()).lock("run", TTL, Duration.ZERO)) {
                        publish(ModelRegistry.open(r.dir()), lock, true);
                        published.incrementAndGet();
                        // hold the lock until every other run has tried
                        assertTrue(losersDone.await(30, TimeUnit.SECONDS));
                    } catch (RegistryBusyException e) {
                        busy.add(e.getMessage());
                        losersDone.countDown();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, published.get());
        assertEquals(runs - 1, busy.size());
        assertTrue(busy.get(0).contains("locked by"), busy.get(0));
        assertEquals(List.of(1), r.versions());
        assertEquals(1, r.current());
        assertEquals(1, r.events().size());
        assertFalse(Files.exists(dir.resolve("reg/lock")), "lock released");
    }

    @Test
    void runsThatWaitPublishOneAfterAnotherWithoutClashing() throws Exception {
        ModelRegistry r = registry();
        int runs = 4;
        CyclicBarrier start = new CyclicBarrier(runs);
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        List<Integer> got = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try (RegistryLock lock = r.lock("run", TTL, Duration.ofSeconds(60))) {
                        got.add(publish(r, lock, true));
                        Thread.sleep(50);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Collections.sort(got);
        assertEquals(List.of(1, 2, 3, 4), got);
        assertEquals(List.of(1, 2, 3, 4), r.versions());
        assertEquals(4, r.current());
        List<RegistryEvent> events = r.events();
        assertEquals(4, events.size());
        for (RegistryEvent e : events) {
            assertEquals("publish", e.type());
            assertEquals(e.version() == 1 ? null : e.version() - 1, e.previous());
            assertEquals(e.previous(), r.lineage(e.version()).parent());
        }
    }

    @Test
    void staleLockIsBrokenAndLoggedLiveLockIsNot() throws Exception {
        ModelRegistry r = registry();
        Files.createDirectories(dir.resolve("reg"));
        Path lockFile = dir.resolve("reg/lock");
        Files.writeString(lockFile, "{\"runId\":\"live\",\"owner\":\"alice retrain\",\"host\":\"h1\",\"pid\":7,"
                + "\"acquiredAt\":\"" + Instant.now() + "\",\"expiresAt\":\"" + Instant.now().plusSeconds(600) + "\"}");
        RegistryBusyException busy = assertThrows(RegistryBusyException.class,
                () -> r.lock("bob", TTL, Duration.ofMillis(300)));
        assertTrue(busy.getMessage().contains("alice retrain on h1"), busy.getMessage());

        Files.writeString(lockFile, "{\"runId\":\"dead\",\"owner\":\"alice retrain\",\"host\":\"h1\",\"pid\":7,"
                + "\"acquiredAt\":\"2020-01-01T00:00:00Z\",\"expiresAt\":\"2020-01-01T01:00:00Z\"}");
        try (RegistryLock lock = r.lock("bob", TTL, Duration.ZERO)) {
            assertEquals("dead", lock.broken().runId());
            assertTrue(Files.readString(lockFile).contains("bob"));
        }
        assertEquals("break-lock", r.events().get(0).type());

        // a lock file left empty by a crash counts by its age
        Files.writeString(lockFile, "");
        assertThrows(RegistryBusyException.class, () -> r.lock("bob", TTL, Duration.ZERO));
        Files.setLastModifiedTime(lockFile, FileTime.from(Instant.now().minusSeconds(3600)));
        try (RegistryLock lock = r.lock("bob", TTL, Duration.ZERO)) {
            assertEquals("unreadable", lock.broken().runId());
        }
    }

    @Test
    void aLockFileBeingWrittenIsReadOnceComplete() throws Exception {
        ModelRegistry r = registry();
        Files.createDirectories(dir.resolve("reg"));
        Path lockFile = dir.resolve("reg/lock");
        Files.writeString(lockFile, ""); // the winner created it and has not written it yet
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(300);
                Files.writeString(lockFile, "{\"runId\":\"live\",\"owner\":\"alice retrain\",\"host\":\"h1\","
                        + "\"pid\":7,\"acquiredAt\":\"" + Instant.now() + "\",\"expiresAt\":\""
                        + Instant.now().plusSeconds(600) + "\"}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        RegistryBusyException busy = assertThrows(RegistryBusyException.class,
                () -> r.lock("bob", TTL, Duration.ZERO));
        writer.join();
        assertTrue(busy.getMessage().contains("alice retrain on h1 (pid 7"), busy.getMessage());
        assertFalse(busy.getMessage().contains("pid -1"), busy.getMessage());
    }

    @Test
    void liveHolderRenewsItsLockPastTheTtl() throws Exception {
        ModelRegistry r = registry();
        try (RegistryLock lock = r.lock("slow run", Duration.ofMillis(600), Duration.ZERO)) {
            Thread.sleep(1500);
            LockInfo now = RegistryLock.readHolder(r.files(), new org.apache.hadoop.fs.Path(r.dir(), "lock"),
                    TTL);
            assertEquals(lock.info().runId(), now.runId());
            assertTrue(Instant.parse(now.expiresAt()).isAfter(Instant.parse(lock.info().expiresAt())));
            assertThrows(RegistryBusyException.class, () -> r.lock("other", TTL, Duration.ZERO));
            lock.checkHeld();
        }
    }

    @Test
    void recoveryRemovesStagingAndSettlesPendingVersions() throws Exception {
        ModelRegistry r = registry();
        try (RegistryLock lock = r.lock("run", TTL, Duration.ZERO)) {
            publish(r, lock, true);
            // a run that died after committing version 2 but before moving current
            int n = r.nextVersion();
            org.apache.hadoop.fs.Path staging = r.newStaging(n);
            r.writeVersionFiles(staging, null, r.lineage(1), new VersionStatus(VersionStatus.PENDING, "ok", 0.9, 1,
                    0.9, Instant.now().toString()));
            r.commit(staging, n);
            // a run that died while assembling version 3
            r.newStaging(3);
            assertTrue(Files.list(dir.resolve("reg/versions")).anyMatch(p -> p.getFileName().toString()
                    .startsWith(".staging-")));
            assertEquals(List.of(1, 2), r.versions());
            r.recover();
        }
        assertEquals(1, r.current());
        assertEquals(VersionStatus.ABANDONED, r.status(2).status());
        assertTrue(Files.list(dir.resolve("reg/versions")).noneMatch(p -> p.getFileName().toString()
                .startsWith(".")));
        assertEquals("recover", r.events().get(r.events().size() - 1).type());
    }

    @Test
    void rollbackMovesCurrentOnlyToPublishedVersionsUnlessForced() {
        ModelRegistry r = registry();
        try (RegistryLock lock = r.lock("run", TTL, Duration.ZERO)) {
            publish(r, lock, true);
            publish(r, lock, true);
            publish(r, lock, false);
            assertThrows(InvalidConfigException.class, () -> r.rollback(3, false));
            assertThrows(InvalidConfigException.class, () -> r.rollback(7, false));
            assertEquals(2, r.rollback(1, false));
            assertEquals(1, r.current());
            assertEquals(1, r.rollback(3, true));
            // a version without a model (its training diverged) can never be current
            int n = publish(r, lock, false);
            r.files().delete(new org.apache.hadoop.fs.Path(r.modelDir(n)));
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> r.rollback(n, true));
            assertTrue(e.getMessage().contains("no model"), e.getMessage());
            assertEquals(3, r.current());
        }
        List<RegistryEvent> rollbacks = r.events().stream().filter(e -> e.type().equals("rollback")).toList();
        assertEquals(2, rollbacks.size());
        RegistryEvent last = rollbacks.get(1);
        assertEquals("rollback", last.type());
        assertEquals(3, last.version());
        assertEquals(1, last.previous());
    }

    @Test
    void retentionKeepsNewestAndNeverCurrentOrItsParent() {
        ModelRegistry r = registry();
        try (RegistryLock lock = r.lock("run", TTL, Duration.ZERO)) {
            for (int i = 0; i < 5; i++) {
                publish(r, lock, true);
            }
            publish(r, lock, false);
            r.rollback(3, false); // current 3, parent 2
            assertEquals(List.of(1, 4), r.prune(2));
            assertEquals(List.of(2, 3, 5, 6), r.versions());
            assertEquals(3, r.current());
            assertThrows(InvalidConfigException.class, () -> r.prune(0));
        }
        assertEquals("prune", r.events().get(r.events().size() - 1).type());
    }

    @Test
    void gateChecksFloorAndTolerance() {
        QualityGate gate = new QualityGate(0.9, 0.01);
        assertTrue(gate.judge(0.95, null, null).passed());
        assertFalse(gate.judge(0.85, null, null).passed());
        assertTrue(gate.judge(0.85, null, null).reason().contains("--min-accuracy"));
        assertTrue(gate.judge(0.975, 2, 0.98).passed());
        QualityGate.Decision drop = gate.judge(0.965, 2, 0.98);
        assertFalse(drop.passed());
        assertTrue(drop.reason().contains("version 2") && drop.reason().contains("--max-drop"), drop.reason());
        assertFalse(gate.judge(Double.NaN, null, null).passed());
        assertThrows(InvalidConfigException.class, () -> new QualityGate(1.5, 0));
        assertThrows(InvalidConfigException.class, () -> new QualityGate(0.5, -0.1));
    }

    @Test
    void emptyRegistryHasNoCurrentAndGarbageCurrentIsReported() throws Exception {
        ModelRegistry r = registry();
        assertNull(r.current());
        assertEquals(List.of(), r.list());
        Files.createDirectories(dir.resolve("reg"));
        Files.writeString(dir.resolve("reg/current"), "seven");
        IllegalStateException e = assertThrows(IllegalStateException.class, r::current);
        assertTrue(e.getMessage().contains("current"), e.getMessage());
    }
}
