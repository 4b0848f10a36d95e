package dev.sparkmnist.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkmnist.fs.HadoopConf;

/**
 * Reads and writes a committee's model directory: {@code member-0/}, {@code member-1/}, ... (each a complete
 * single-network model directory written by {@link ModelStore}, loadable on its own) plus a {@code model.json}
 * that is the committee's {@link ModelMetadata} with a {@code committee} entry ({@link CommitteeInfo}), and any
 * extra files (metrics, report). Written into a hidden temporary directory and renamed into place, as a single
 * model is. {@link #load} reads a single network's directory too, as a committee of one, so every command that
 * scores can take either.
 */
public final class CommitteeStore {
    /** The key of the committee entry in {@code model.json}. */
    public static final String ENTRY = "committee";

    private CommitteeStore() {
    }

    /** Writes the committee to {@code dir}, atomically; {@code metadata.weightFiles()} should be empty. */
    public static void save(String dir, ModelMetadata metadata, CommitteeInfo info, List<SavedModel> members,
                            Map<String, byte[]> extraFiles) {
        if (info.members().size() != members.size()) {
            throw new IllegalArgumentException(info.members().size() + " member entries for " + members.size()
                    + " members");
        }
        ModelStore.writeDirectory(dir, "committee", (fs, tmp) -> {
            for (int i = 0; i < members.size(); i++) {
                ModelStore.save(new Path(tmp, info.members().get(i).dir()).toString(), members.get(i), Map.of());
            }
            ObjectNode json = Json.MAPPER.valueToTree(metadata);
            json.set(ENTRY, Json.MAPPER.valueToTree(info));
            Map<String, byte[]> files = new LinkedHashMap<>(extraFiles);
            files.put(ModelStore.MODEL_JSON, Json.MAPPER.writeValueAsBytes(json));
            ModelStore.writeFiles(fs, tmp, files);
        });
    }

    /** True when {@code dir}'s {@code model.json} has a committee entry. */
    public static boolean isCommittee(String dir) {
        return entry(dir) != null;
    }

    /** A committee's directory, or a single network's as a committee of one. */
    public static SavedCommittee load(String dir) {
        JsonNode entry = entry(dir);
        if (entry == null) {
            return SavedCommittee.of(ModelStore.load(dir));
        }
        String where = dir + "/" + ModelStore.MODEL_JSON + ": " + ENTRY;
        CommitteeInfo info;
        ModelMetadata meta;
        Combination combination;
        try {
            info = Json.MAPPER.treeToValue(entry, CommitteeInfo.class);
            meta = Json.MAPPER.treeToValue(readJson(dir), ModelMetadata.class);
            combination = Combination.parse(info.combination());
        } catch (com.fasterxml.jackson.core.JacksonException | IllegalArgumentException e) {
            throw new ModelFormatException(where + ": " + e.getMessage(), e);
        }
        if (info.members() == null || info.members().isEmpty()) {
            throw new ModelFormatException(where + " lists no members");
        }
        List<SavedModel> members = new ArrayList<>();
        for (CommitteeInfo.Member m : info.members()) {
            if (m.dir() == null || !m.dir().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new ModelFormatException(where + ": a member's dir must name a sub-directory, found '"
                        + m.dir() + "'");
            }
            SavedModel member = ModelStore.load(new Path(dir, m.dir()).toString());
            if (!members.isEmpty() && !sameInputsAndClasses(members.get(0), member)) {
                throw new ModelFormatException(dir + "/" + m.dir() + ": takes " + member.network().sizes()
                        + ", the first member " + members.get(0).network().sizes()
                        + "; a committee's members take the same inputs and give the same classes");
            }
            members.add(member);
        }
        return new SavedCommittee(members, combination, meta, info);
    }

    private static boolean sameInputsAndClasses(SavedModel a, SavedModel b) {
        return a.network().sizes().inputs() == b.network().sizes().inputs()
                && a.network().sizes().outputs() == b.network().sizes().outputs()
                && a.metadata().scaling().equals(b.metadata().scaling());
    }

    /** The committee entry of {@code dir}'s model.json, or null when it has none (or no readable model.json). */
    private static JsonNode entry(String dir) {
        JsonNode json = readJson(dir);
        return json == null || !json.has(ENTRY) ? null : json.get(ENTRY);
    }

    private static JsonNode readJson(String dir) {
        Path p = new Path(dir, ModelStore.MODEL_JSON);
        try {
            FileSystem fs = p.getFileSystem(HadoopConf.get());
            if (!fs.exists(p)) {
                return null;
            }
            return Json.MAPPER.readTree(ModelStore.read(fs, p, dir));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return null; // ModelStore.load says what is wrong with it
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read " + ModelStore.MODEL_JSON + ": " + e.getMessage(), e);
        }
    }
}
