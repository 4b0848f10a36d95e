package dev.sparkmnist.fs;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkContext$;
import org.apache.spark.SparkEnv;

import scala.Tuple2;

/**
 * The one Hadoop {@link Configuration} every user path (data, model, checkpoint, registry, report, metrics, PNG)
 * is opened with, so {@code hdfs:///registry}, s3a endpoints and credentials work the same for every command and
 * in every JVM:
 * <ul>
 *   <li>in a driver with a running Spark context: that context's {@code hadoopConfiguration()} (Hadoop's
 *       defaults, the {@code *-site.xml} files on the class path, every {@code spark.hadoop.*} setting);</li>
 *   <li>in an executor: Hadoop's defaults plus the {@code spark.hadoop.*} settings the driver passed on;</li>
 *   <li>before or without a context ({@code show}, {@code generate}, loading {@code --init-from}): what Spark would
 *       build, that is Hadoop's defaults, {@code core-site.xml}/{@code hdfs-site.xml} from {@code HADOOP_CONF_DIR}
 *       and {@code YARN_CONF_DIR}, and every {@code spark.hadoop.*} system property ({@code submit.sh} and
 *       {@code spark-submit} turn {@code conf/spark-defaults.conf} and {@code --conf} into those).</li>
 * </ul>
 * A plain {@code new Configuration()} sees none of the {@code spark.hadoop.*} settings, which is why nothing else
 * in the program builds one.
 */
public final class HadoopConf {
    private static final String PREFIX = "spark.hadoop.";
    private static final String[] CONF_DIR_VARIABLES = {"HADOOP_CONF_DIR", "YARN_CONF_DIR"};
    private static final String[] SITE_FILES = {"core-site.xml", "hdfs-site.xml"};

    private static Cached cached;

    private HadoopConf() {
    }

    /** The configuration for user paths in this JVM (see the class comment for where it comes from). */
    public static Configuration get() {
        scala.Option<SparkContext> active = SparkContext$.MODULE$.getActive();
        if (active.isDefined()) {
            return active.get().hadoopConfiguration();
        }
        SparkEnv env = SparkEnv.get();
        return env != null ? executor(env) : standalone();
    }

    /** The file system of {@code path}, opened with {@link #get()}; errors name the path. */
    public static FileSystem fileSystem(Path path) {
        try {
            return path.getFileSystem(get());
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot open its file system: " + e.getMessage(), e);
        }
    }

    /**
     * Makes a path given on the command line absolute and fully qualified ({@code data/mnist} becomes
     * {@code file:/home/me/data/mnist}, {@code hdfs:///data} becomes {@code hdfs://namenode:8020/data}), because
     * executors resolve relative paths against their own working directory and know nothing of the driver's
     * {@code fs.defaultFS}. Null stays null.
     */
    public static String qualify(String path) {
        if (path == null) {
            return null;
        }
        Path p = new Path(path);
        return fileSystem(p).makeQualified(p).toString();
    }

    private static synchronized Configuration executor(SparkEnv env) {
        if (cached == null || cached.source != env) {
            cached = new Cached(env, withSparkHadoop(new Configuration(), env.conf().getAll()));
        }
        return cached.conf;
    }

    /** Rebuilt whenever the settings it comes from change (tests change system properties between runs). */
    private static synchronized Configuration standalone() {
        Map<String, String> key = new TreeMap<>();
        for (String v : CONF_DIR_VARIABLES) {
            key.put("env." + v, Objects.toString(System.getenv(v), ""));
        }
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                key.put(name, System.getProperty(name));
            }
        }
        if (cached == null || !key.equals(cached.source)) {
            Configuration conf = new Configuration();
            for (String v : CONF_DIR_VARIABLES) {
                String dir = System.getenv(v);
                for (String site : dir == null || dir.isBlank() ? new String[0] : SITE_FILES) {
                    File f = new File(dir, site);
                    if (f.isFile()) {
                        conf.addResource(new Path(f.toURI()));
                    }
                }
            }
            cached = new Cached(key, withSparkHadoop(conf, new SparkConf().getAll()));
        }
        return cached.conf;
    }

    private static Configuration withSparkHadoop(Configuration conf, Tuple2<String, String>[] settings) {
        for (Tuple2<String, String> kv : settings) {
            if (kv._1().startsWith(PREFIX)) {
                conf.set(kv._1().substring(PREFIX.length()), kv._2(), "spark.hadoop setting");
            }
        }
        return conf;
    }

    private record Cached(Object source, Configuration conf) {
    }
}
