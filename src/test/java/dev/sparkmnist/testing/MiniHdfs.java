package dev.sparkmnist.testing;

import java.io.IOException;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS for tests: a {@link MiniDFSCluster} (namenode and one datanode on 127.0.0.1, in this JVM) keeping its
 * blocks under a folder of the test's.
 */
public final class MiniHdfs {
    private MiniHdfs() {
    }

    /** Starts one under {@code dir} and waits until it serves. */
    public static MiniDFSCluster start(Path dir) throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toString());
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        return cluster;
    }

    /** Its {@code hdfs://127.0.0.1:PORT} URI. */
    public static String uri(MiniDFSCluster cluster) {
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    }
}
