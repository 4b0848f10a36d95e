package dev.sparkmnist.registry;

import java.util.Map;

import dev.sparkmnist.train.TrainingConfig;

/**
 * Where a version came from ({@code lineage.json}): the data files and their SHA-256, the whole configuration,
 * the program that trained it, the version it warm-started from, and when and where it ran. The fingerprint
 * identifies the inputs (data content, configuration, parent, program) so a repeated run can be recognised.
 *
 * @param version        this version's number
 * @param parent         the version it continued from, or null when trained from scratch
 * @param fingerprint    SHA-256 of the inputs that decide the result
 * @param dataDir        the data directory given
 * @param dataSha256     file path to SHA-256 of its uncompressed content
 * @param config         the training configuration
 * @param programVersion spark-mnist version
 * @param gitCommit      commit the program was built from, or "unknown"
 * @param sparkVersion   Spark version that ran it
 * @param host           host of the driver
 * @param user           user that ran it
 * @param startedAt      start of the run (ISO-8601)
 * @param endedAt        end of training and evaluation (ISO-8601)
 * @param forced         whether {@code --force} overrode the duplicate check
 */
public record Lineage(int version, Integer parent, String fingerprint, String dataDir, Map<String, String> dataSha256,
                      TrainingConfig config, String programVersion, String gitCommit, String sparkVersion,
                      String host, String user, String startedAt, String endedAt, boolean forced) {
}
