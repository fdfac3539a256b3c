package com.ffs.validator.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.image.PreprocessorConfig;

/**
 * One model's folder in the model directory, checked and parsed: graphs, {@code config.json},
 * {@code preprocessor_config.json} and, for text towers, {@code tokenizer.json}. Every problem is reported as one
 * message naming the file and what was expected. A {@code manifest.json}, when present, is verified first.
 */
public record ModelDirectory(
        ModelKind kind,
        Path folder,
        Path imageGraph,
        Optional<Path> textGraph,
        Optional<Path> tokenizer,
        ModelMetadata metadata,
        PreprocessorConfig preprocessing) {

    static final String CONFIG = "config.json";
    static final String PREPROCESSOR_CONFIG = "preprocessor_config.json";
    static final String TOKENIZER = "tokenizer.json";
    /** Key in {@code config.json} that marks a generated demo model. */
    static final String DEMO_MARKER = "ffs_demo";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code root/<kind>/}. */
    public static ModelDirectory read(Path root, ModelKind kind, ModelsConfig.Overrides overrides) {
        Path folder = root.resolve(kind.id());
        if (!Files.isDirectory(folder)) {
            throw new ModelLoadException(folder + ": model folder missing; expected " + kind.id() + "/ with "
                    + expectedFiles(kind, overrides) + " (the model directory layout is in the README)");
        }
        Path imageGraph = requireFile(folder, overrides.imageGraph().orElse(kind.defaultImageGraph()), "the ONNX image graph");
        Optional<Path> textGraph = Optional.empty();
        Optional<Path> tokenizer = Optional.empty();
        if (kind.hasText()) {
            textGraph = Optional.of(requireFile(folder, overrides.textGraph().orElse(kind.defaultTextGraph()),
                    "the ONNX text graph"));
            tokenizer = Optional.of(requireFile(folder, TOKENIZER, "a Hugging Face tokenizer.json for the text graph"));
        }
        Path configFile = requireFile(folder, CONFIG, "the model's config.json");
        Path preprocessorFile = requireFile(folder, PREPROCESSOR_CONFIG,
                "the Hugging Face image processor settings (size, resample, image_mean, image_std)");
        List<Path> used = new ArrayList<>(List.of(imageGraph, configFile, preprocessorFile));
        textGraph.ifPresent(used::add);
        tokenizer.ifPresent(used::add);
        ModelManifest.verify(folder, ModelManifest.used(used, folder.resolve(ReferenceOutputs.FILE)));
        JsonNode config = readJson(configFile);
        ModelMetadata metadata = metadata(kind, folder, config);
        PreprocessorConfig preprocessing;
        try {
            preprocessing = PreprocessorConfig.parse(readJson(preprocessorFile));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(preprocessorFile + ": " + e.getMessage());
        }
        return new ModelDirectory(kind, folder, imageGraph, textGraph, tokenizer, metadata, preprocessing);
    }

    private static String expectedFiles(ModelKind kind, ModelsConfig.Overrides o) {
        List<String> files = new ArrayList<>(List.of(o.imageGraph().orElse(kind.defaultImageGraph())));
        if (kind.hasText()) {
            files.add(o.textGraph().orElse(kind.defaultTextGraph()));
            files.add(TOKENIZER);
        }
        files.add(CONFIG);
        files.add(PREPROCESSOR_CONFIG);
        return String.join(", ", files);
    }

    private static Path requireFile(Path folder, String name, String what) {
        Path file = folder.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(file + ": missing; expected " + what);
        }
        try {
            if (Files.size(file) == 0) {
                throw new ModelLoadException(file + ": empty; expected " + what);
            }
        } catch (IOException e) {
            throw new ModelLoadException(file + ": unreadable (" + e.getMessage() + "); expected " + what, e);
        }
        return file;
    }

    /** A JSON object from a model file; a missing object or invalid JSON fails with the file's name. */
    static JsonNode readJson(Path file) {
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new ModelLoadException(file + ": expected a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new ModelLoadException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + ")", e);
        }
    }

    private static ModelMetadata metadata(ModelKind kind, Path folder, JsonNode config) {
        Path file = folder.resolve(CONFIG);
        String name = text(config, "_name_or_path").or(() -> text(config, "model_id"))
                .orElse(folder.getFileName().toString());
        List<String> labels = List.of();
        JsonNode id2label = config.get("id2label");
        if (id2label != null && id2label.isObject()) {
            labels = labels(file, id2label);
        } else if (kind == ModelKind.NSFW) {
            throw new ModelLoadException(file + ": 'id2label' is required for a classifier, e.g. "
                    + "{\"0\": \"normal\", \"1\": \"nsfw\"}");
        }
        return new ModelMetadata(name, labels, number(file, config, "logit_scale"), number(file, config, "logit_bias"),
                integer(file, config, "pad_token_id"), text(config, "text_clean"),
                config.path(DEMO_MARKER).asBoolean(false));
    }

    private static List<String> labels(Path file, JsonNode id2label) {
        Map<Integer, String> byIndex = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = id2label.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                byIndex.put(Integer.parseInt(e.getKey()), e.getValue().asText());
            } catch (NumberFormatException ex) {
                throw new ModelLoadException(file + ": 'id2label' keys must be class indices, got '" + e.getKey() + "'");
            }
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < byIndex.size(); i++) {
            String label = byIndex.get(i);
            if (label == null) {
                throw new ModelLoadException(file + ": 'id2label' must number classes 0.." + (byIndex.size() - 1));
            }
            labels.add(label);
        }
        return List.copyOf(labels);
    }

    private static Optional<String> text(JsonNode json, String key) {
        JsonNode v = json.get(key);
        return v != null && v.isTextual() && !v.asText().isBlank() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static Optional<Double> number(Path file, JsonNode json, String key) {
        JsonNode v = json.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new ModelLoadException(file + ": '" + key + "' must be a number, got " + v);
        }
        return Optional.of(v.asDouble());
    }

    private static OptionalInt integer(Path file, JsonNode json, String key) {
        JsonNode v = json.get(key);
        if (v == null || v.isNull()) {
            return OptionalInt.empty();
        }
        if (!v.canConvertToExactIntegral()) {
            throw new ModelLoadException(file + ": '" + key + "' must be an integer, got " + v);
        }
        return OptionalInt.of(v.asInt());
    }
}
