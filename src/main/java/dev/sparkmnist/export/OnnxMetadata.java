package dev.sparkmnist.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelMetadata;
import dev.sparkmnist.nn.LayerSizes;

/**
 * The {@code metadata_props} of an exported model: where it came from and how it was made, from its
 * {@code model.json}, so a serving stack can show or check them (ONNX Runtime:
 * {@code session.getMetadata().getCustomMetadata()}, Python {@code session.get_modelmeta().custom_metadata_map}).
 * Values are strings; lists and maps are compact JSON. No export time is recorded, so exporting the same model
 * twice gives the same bytes.
 */
final class OnnxMetadata {
    private static final ObjectWriter COMPACT = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    private OnnxMetadata() {
    }

    /**
     * The properties, in a fixed order.
     *
     * @param classNames the output classes' names, or null when the model has none
     */
    static Map<String, String> of(ModelMetadata meta, LayerSizes sizes, InputAffine scaling, Precision precision,
                                  List<String> classNames) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("program", "spark-mnist");
        put(p, "program_version", meta.programVersion());
        put(p, "spark_version", meta.sparkVersion());
        put(p, "created_at", meta.createdAt());
        p.put("layers", sizes.toString());
        put(p, "activation", meta.activation());
        put(p, "output", meta.output());
        put(p, "input_scaling", meta.inputScaling());
        p.put("input_factor", Double.toString(scaling.factor()));
        p.put("input_offset", Double.toString(scaling.offset()));
        p.put("precision", precision.name().toLowerCase(Locale.ROOT));
        p.put("seed", Long.toString(meta.seed()));
        put(p, "data_sha256", json(meta.dataSha256()));
        put(p, "phases", json(meta.phases()));
        put(p, "continued_from", meta.continuedFrom());
        put(p, "metrics", json(meta.metrics()));
        put(p, "class_names", json(classNames));
        return p;
    }

    private static void put(Map<String, String> p, String key, String value) {
        if (value != null) {
            p.put(key, value);
        }
    }

    private static String json(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return COMPACT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + " as JSON", e);
        }
    }
}
