package dev.sparkmnist.checkpoint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.sparkmnist.model.Json;
import dev.sparkmnist.nn.Network;
import dev.sparkmnist.train.BatchSampler;
import dev.sparkmnist.train.TrainingConfig;

/**
 * Identifies everything that decides a run's weights: the hyperparameters of every phase, width, seed, input
 * scaling with its values (a standard scaling's learnt factor and offset), partitioning, the batch sampler, the
 * distortions of the training images, the validation records held out and the convergence tolerance (each only
 * when there are any, so a run without them keeps its fingerprint), the SHA-256 of the data files and the starting
 * weights (which cover {@code --init-from}). A checkpoint is resumed only by a run with the same fingerprint, so a
 * resumed run ends exactly where an uninterrupted one would. Settings that do not change the result (log interval,
 * output path) are left out on purpose.
 */
public final class ConfigFingerprint {
    /** Bump when the training arithmetic changes (2: local SGD in float, model shipped as float). */
    static final String ARITHMETIC = "local-sgd-float32-v2";

    /** Bump when the keyed distortions compute other images for the same key and limits. */
    static final String AUGMENTATION_ALGORITHM = "keyed-affine-elastic-v1";

    private ConfigFingerprint() {
    }

    /** What the fingerprint is made of, as readable JSON-friendly values (also stored in the checkpoint). */
    public static Map<String, Object> describe(TrainingConfig config, Map<String, String> dataSha256,
                                               BatchSampler sampler) {
        return describe(config, dataSha256, sampler, 0);
    }

    /** As {@link #describe(TrainingConfig, Map, BatchSampler)}, the last {@code validation} records held out. */
    public static Map<String, Object> describe(TrainingConfig config, Map<String, String> dataSha256,
                                               BatchSampler sampler, int validation) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hidden", config.hidden());
        m.put("seed", config.seed());
        // The values, not just the kind: a standard scaling learnt from other data must not resume this run.
        Map<String, Object> scaling = new LinkedHashMap<>();
        scaling.put("kind", config.scaling().kind().word());
        scaling.put("factor", config.scaling().factor());
        scaling.put("offset", config.scaling().offset());
        m.put("scaling", scaling);
        m.put("partitions", config.partitions());
        m.put("phases", config.phases());
        // How each phase runs on these partitions (global and per-partition batch, rate factor, local steps,
        // averaging): the effective plan, so settings that resolve to the same arithmetic resume each other.
        m.put("plans", java.util.stream.IntStream.range(0, config.phases().size()).mapToObj(config::plan).toList());
        m.put("sampler", sampler.getClass().getName());
        if (!config.augmentation().isNone()) {
            m.put("augmentation", AUGMENTATION_ALGORITHM + " " + config.augmentation());
        }
        if (validation > 0) {
            m.put("validationHeldOut", validation);
        }
        if (config.tol() > 0) {
            m.put("tol", config.tol());
        }
        // How the trainer computes: a checkpoint from a build whose arithmetic differs would resume to weights
        // neither build produces on its own.
        m.put("arithmetic", ARITHMETIC);
        m.put("dataSha256", new TreeMap<>(dataSha256));
        return m;
    }

    /** Hex SHA-256 over {@link #describe} and the starting weights. */
    public static String of(Map<String, Object> description, Network start) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Json.MAPPER.writeValueAsString(description).getBytes(StandardCharsets.UTF_8));
            ByteBuffer buf = ByteBuffer.allocate(8 * start.parameters().length);
            for (double v : start.parameters()) {
                buf.putLong(Double.doubleToRawLongBits(v));
            }
            md.update(start.sizes().toString().getBytes(StandardCharsets.UTF_8));
            md.update(buf.array());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
