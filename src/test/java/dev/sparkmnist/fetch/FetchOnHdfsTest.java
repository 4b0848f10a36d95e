package dev.sparkmnist.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkContext$;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.MnistFiles;
import dev.sparkmnist.testing.MiniHdfs;

/**
 * {@code fetch} with HDFS as the default file system, as with {@code HADOOP_CONF_DIR} set (issue 29): a
 * {@link MiniDFSCluster} named by {@code fs.defaultFS}. Before the fix every source failed ("download of ...: file
 * not found"): the local temporary file was opened as a bare path, which resolved to HDFS. Now a bare data
 * directory lands on HDFS, {@code --from} takes {@code file:///} and {@code hdfs:///} URIs, and a
 * {@code file:///} data directory stays local.
 */
@Tag("multiprocess")
@Timeout(300)
class FetchOnHdfsTest {
    private static final String DEFAULT_FS = "spark.hadoop.fs.defaultFS";
    private static MiniDFSCluster cluster;
    private static FileSystem hdfs;
    private static FetchFixture fixture;
    private static String savedContextDefault;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startHdfs() throws Exception {
        cluster = MiniHdfs.start(tmp.resolve("hdfs"));
        hdfs = cluster.getFileSystem();
        fixture = new FetchFixture(tmp.resolve("fixture"));
        String uri = MiniHdfs.uri(cluster);
        System.setProperty(DEFAULT_FS, uri);
        // Another test class may have left a Spark context running; user paths then resolve through its conf.
        scala.Option<SparkContext> active = SparkContext$.MODULE$.getActive();
        if (active.isDefined()) {
            savedContextDefault = active.get().hadoopConfiguration().get("fs.defaultFS");
            active.get().hadoopConfiguration().set("fs.defaultFS", uri);
        }
    }

    @AfterAll
    static void stopHdfs() {
        System.clearProperty(DEFAULT_FS);
        scala.Option<SparkContext> active = SparkContext$.MODULE$.getActive();
        if (active.isDefined() && savedContextDefault != null) {
            active.get().hadoopConfiguration().set("fs.defaultFS", savedContextDefault);
        }
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    @Test
    void mirrorDownloadLandsOnTheDefaultFileSystem() throws Exception {
        try (MirrorServer server = new MirrorServer(fixture.gzDir, fixture.corruptDir)) {
            String log = fetch(fixture.settings("mirrors", server.url("good")), null, "/mnist/mirror");
            assertAllOnHdfs("/mnist/mirror", log);
        }
        assertFalse(Files.exists(Path.of("/mnist/mirror")), "nothing written to the local disk");
    }

    @Test
    void fromTakesLocalAndHdfsUris() throws Exception {
        String log = fetch(fixture.settings("local"), fixture.plainDir.toUri().toString(), "hdfs:///mnist/from-local");
        assertAllOnHdfs("/mnist/from-local", log);

        hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(fixture.gzDir.toUri()),
                new org.apache.hadoop.fs.Path("/upload"));
        Path local = tmp.resolve("local-data");
        log = fetch(fixture.settings("local"), "/upload", local.toUri().toString());
        for (String name : MnistFiles.ALL) {
            assertTrue(Files.isRegularFile(local.resolve(name)), name + " fetched from hdfs:///upload to a local "
                    + "file:/// data directory; log:\n" + log);
        }
    }

    @Test
    void aMissingHdfsSourceIsNamed() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream log = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            FetchFailedException e = org.junit.jupiter.api.Assertions.assertThrows(FetchFailedException.class,
                    () -> new Fetcher(fixture.settings("local"), "hdfs:///nowhere", log)
                            .fetch("/mnist/none", Fetcher.Existing.VERIFY));
            assertTrue(e.getMessage().contains("hdfs:///nowhere: no such folder or archive"), e.getMessage());
        }
        assertFalse(hdfs.exists(new org.apache.hadoop.fs.Path("/mnist/none")), "a failed fetch leaves nothing");
    }

    private static String fetch(FetchSettings settings, String from, String dataDir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream log = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            new Fetcher(settings, from, log).fetch(dataDir, Fetcher.Existing.VERIFY);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void assertAllOnHdfs(String dir, String log) throws Exception {
        for (String name : MnistFiles.ALL) {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir, name);
            assertTrue(hdfs.exists(p), p + " on HDFS; log:\n" + log);
            assertEquals(Files.size(fixture.plainDir.resolve(name)), hdfs.getFileStatus(p).getLen(), name);
        }
    }
}
