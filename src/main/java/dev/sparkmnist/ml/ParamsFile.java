package dev.sparkmnist.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

import dev.sparkmnist.model.Json;
import dev.sparkmnist.model.ModelFormatException;

/**
 * A model's spark.ml side, {@code metadata/part-00000} in its directory: class, uid and params in the one-line JSON
 * of spark.ml's {@code DefaultParamsWriter}. Because it is spark.ml's own layout, a {@code PipelineModel} (or
 * {@code CrossValidatorModel}) holding the model saves and loads it like any other stage. A directory written by
 * {@code ./submit.sh train} has no such file; its model gets a new uid and the default params.
 */
final class ParamsFile {
    /** Where the file lives inside a model directory. */
    static final String PATH = "metadata/part-00000";
    private static final ObjectWriter ONE_LINE = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    private ParamsFile() {
    }

    /** The file's content for {@code instance}. */
    static byte[] encode(Params instance, String sparkVersion) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("class", instance.getClass().getName());
        root.put("timestamp", System.currentTimeMillis());
        root.put("sparkVersion", sparkVersion);
        root.put("uid", instance.uid());
        ObjectNode set = root.putObject("paramMap");
        ObjectNode defaults = root.putObject("defaultParamMap");
        for (Param<?> any : instance.params()) {
            @SuppressWarnings("unchecked")
            Param<Object> p = (Param<Object>) any;
            if (instance.isSet(p)) {
                set.set(p.name(), tree(p.jsonEncode(instance.getOrDefault(p))));
            }
            if (instance.hasDefault(p)) {
                defaults.set(p.name(), tree(p.jsonEncode(instance.getDefault(p).get())));
            }
        }
        try {
            return ONE_LINE.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The uid recorded in the file. */
    static String uid(byte[] content, String dir) {
        return parse(content, dir).path("uid").asText();
    }

    /** Sets on {@code instance} every param the file records as set. */
    static void apply(byte[] content, Params instance, String dir) {
        Iterator<Map.Entry<String, JsonNode>> fields = parse(content, dir).path("paramMap").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (!instance.hasParam(f.getKey())) {
                throw new ModelFormatException(dir + "/" + PATH + ": unknown param '" + f.getKey() + "'");
            }
            Param<Object> p = instance.getParam(f.getKey());
            instance.set(p, p.jsonDecode(f.getValue().toString()));
        }
    }

    private static JsonNode parse(byte[] content, String dir) {
        try {
            return Json.MAPPER.readTree(content);
        } catch (IOException e) {
            throw new ModelFormatException(dir + "/" + PATH + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
