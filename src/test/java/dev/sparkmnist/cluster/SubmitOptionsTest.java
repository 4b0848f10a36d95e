package dev.sparkmnist.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkmnist.testing.Scripts;

/**
 * {@code submit.sh}'s spark-submit options (issue 29), on both branches, without starting Spark: a stand-in
 * {@code spark-submit} (through {@code SPARK_HOME}) and a stand-in {@code java} (first on the {@code PATH}) write
 * the arguments they were given, one a line. {@code YarnTest} runs the same options against a real YARN.
 */
class SubmitOptionsTest {
    @TempDir
    Path tmp;
    private Path args;
    private Map<String, String> env;

    @BeforeEach
    void standIns() throws Exception {
        args = tmp.resolve("args");
        Path bin = Files.createDirectories(tmp.resolve("home/bin"));
        Path path = Files.createDirectories(tmp.resolve("path")); // java only: no spark-submit on the PATH
        for (Path script : List.of(bin.resolve("spark-submit"), path.resolve("java"))) {
            Files.writeString(script, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > \"$STAND_IN_ARGS\"\n");
            script.toFile().setExecutable(true);
        }
        env = new HashMap<>();
        env.put("STAND_IN_ARGS", args.toString());
        env.put("PATH", path + ":" + System.getenv("PATH"));
        env.put("SPARK_MNIST_APP_JAR", Files.writeString(tmp.resolve("app.jar"), "newer than the sources")
                .toString());
    }

    @Test
    void sparkSubmitBranchPassesTheOptionsOnAndShipsTheSettingsInClusterMode() throws Exception {
        env.put("SPARK_HOME", tmp.resolve("home").toString());
        Path props = Files.writeString(tmp.resolve("my.conf"), "spark.a 1\n# comment\nspark.b=2\nother 3\n");
        List<String> a = submit("--master", "yarn", "--deploy-mode", "cluster", "--queue", "q1",
                "--num-executors=3", "--executor-memory", "2g", "--executor-cores", "2", "--files", "/etc/hosts",
                "--jars", "/x.jar", "--name", "job", "--properties-file", props.toString(), "--conf", "spark.b=4",
                "train", "--hidden", "8");
        assertEquals("cluster", after(a, "--deploy-mode"));
        assertEquals("2g", after(a, "--driver-memory"), "cluster mode's default driver memory");
        for (String conf : List.of("spark.yarn.queue=q1", "spark.executor.instances=3", "spark.executor.memory=2g",
                "spark.executor.cores=2", "spark.app.name=job", "spark.a=1", "spark.yarn.maxAppAttempts=1")) {
            assertTrue(a.contains(conf), conf + " in " + a);
        }
        assertTrue(a.indexOf("spark.b=2") < a.indexOf("spark.b=4"), "--conf wins over --properties-file: " + a);
        assertFalse(a.contains("other=3"), "only spark.* keys of the properties file");
        String files = after(a, "--files");
        assertTrue(files.startsWith("/etc/hosts,") && files.contains("#log4j2.properties")
                && files.contains("#spark-mnist.properties") && files.contains("#mnist-sources.properties"), files);
        assertEquals("/x.jar", after(a, "--jars"));
        String driver = after(a, "--driver-java-options");
        assertTrue(driver.contains("-Dsparkmnist.conf=spark-mnist.properties")
                && driver.contains("-Dlog4j.configurationFile=log4j2.properties"), driver);
        assertFalse(driver.contains(Path.of("").toAbsolutePath().toString()), "no path of this host: " + driver);
        assertEquals(List.of("train", "--hidden", "8"), a.subList(a.size() - 3, a.size()));
    }

    @Test
    void plainJavaBranchTurnsTheOptionsIntoSparkSettings() throws Exception {
        List<String> a = submit("--master=yarn", "--queue", "q1", "--driver-memory", "3g", "--files",
                "/etc/hosts", "--jars", "/x.jar", "--num-executors", "2", "train");
        assertTrue(a.contains("-Xmx3g"), a.toString());
        for (String prop : List.of("-Dspark.master=yarn", "-Dspark.yarn.queue=q1", "-Dspark.executor.instances=2")) {
            assertTrue(a.contains(prop), prop + " in " + a);
        }
        assertTrue(a.stream().anyMatch(s -> s.startsWith("-Dspark.yarn.dist.files=/etc/hosts,")
                && s.endsWith("#log4j2.properties")), a.toString());
        assertTrue(a.contains("-Dspark.jars=" + env.get("SPARK_MNIST_APP_JAR") + ",/x.jar"), a.toString());
    }

    @Test
    void refusesWhatItCannotDoWithOneLine() throws Exception {
        assertTrue(submitFails("--deploy-mode", "cluster", "--master", "yarn", "train")
                .contains("--deploy-mode cluster needs spark-submit"));
        assertTrue(submitFails("--principal", "me", "train").contains("unknown option '--principal'"));
        assertTrue(submitFails("--deploy-mode", "both", "train").contains("expected client or cluster"));
        assertTrue(submitFails("--queue").contains("--queue needs a value"));
    }

    private List<String> submit(String... options) throws Exception {
        Path log = tmp.resolve("log");
        assertEquals(0, Scripts.run(env, log, 120, command(options)), Scripts.read(log));
        return Files.readAllLines(args);
    }

    private String submitFails(String... options) throws Exception {
        Path log = tmp.resolve("log");
        assertEquals(2, Scripts.run(env, log, 120, command(options)), Scripts.read(log));
        assertFalse(Files.exists(args), "nothing started");
        return Scripts.read(log);
    }

    private static String[] command(String... options) {
        String[] cmd = new String[options.length + 1];
        cmd[0] = "./submit.sh";
        System.arraycopy(options, 0, cmd, 1, options.length);
        return cmd;
    }

    private static String after(List<String> args, String option) {
        return args.get(args.indexOf(option) + 1);
    }
}
