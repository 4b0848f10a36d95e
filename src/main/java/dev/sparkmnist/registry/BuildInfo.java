package dev.sparkmnist.registry;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The git commit the program was built from, for lineage: from a {@code build-info.properties} resource
 * ({@code git.commit=...}) when the build generated one, else {@code git rev-parse HEAD} run where the classes
 * live (a checkout), else "unknown".
 */
final class BuildInfo {
    static final String UNKNOWN = "unknown";
    private static volatile String commit;

    private BuildInfo() {
    }

    static String gitCommit() {
        if (commit == null) {
            commit = resolve();
        }
        return commit;
    }

    private static String resolve() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("/build-info.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String c = p.getProperty("git.commit", "").trim();
                if (!c.isEmpty() && !c.startsWith("$")) {
                    return c;
                }
            }
        } catch (IOException e) {
            // fall through to git
        }
        try {
            File where = new File(BuildInfo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            File dir = where.isDirectory() ? where : where.getParentFile();
            Process git = new ProcessBuilder("git", "-C", dir.getPath(), "rev-parse", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 && out.matches("[0-9a-f]{40}")) {
                return out;
            }
            git.destroy();
        } catch (Exception e) {
            // no git, no checkout, or a sandbox: unknown
        }
        return UNKNOWN;
    }
}
