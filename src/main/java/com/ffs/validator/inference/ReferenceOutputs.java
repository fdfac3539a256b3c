package com.ffs.validator.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A model folder's {@code reference_outputs.json}: sample images (PNG) and texts with the outputs the export's
 * PyTorch pipeline gave for them. The service runs its own pipeline on the same inputs at start-up and compares.
 *
 * @param file where it was read from
 * @param model the model id the export wrote
 * @param source what produced the numbers (libraries and versions)
 * @param images sample images with their expected image-graph output rows
 * @param texts sample texts with their expected text-graph output rows (empty for models without a text tower)
 */
public record ReferenceOutputs(Path file, String model, String source, List<ImageSample> images,
        List<TextSample> texts) {

    static final String FILE = "reference_outputs.json";
    static final String FORMAT = "ffs-validator.reference-outputs/1";

    /** A sample image: its file name, PNG bytes, and the expected output row. */
    public record ImageSample(String name, byte[] png, float[] expected) {
    }

    /** A sample text and the expected output row. */
    public record TextSample(String text, float[] expected) {
    }

    /** Reads {@code folder/reference_outputs.json}, or nothing when the folder has none. */
    static Optional<ReferenceOutputs> read(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode root = ModelDirectory.readJson(file);
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new ModelLoadException(file + ": expected \"format\": \"" + FORMAT + "\"");
        }
        List<ImageSample> images = new ArrayList<>();
        for (JsonNode image : root.path("images")) {
            String name = image.path("name").asText("");
            byte[] png;
            try {
                png = Base64.getDecoder().decode(image.path("png_base64").asText(""));
            } catch (IllegalArgumentException e) {
                throw new ModelLoadException(file + ": image '" + name + "' has invalid png_base64", e);
            }
            images.add(new ImageSample(name, png, row(file, "image '" + name + "'", image.get("output"))));
        }
        if (images.isEmpty()) {
            throw new ModelLoadException(file + ": needs at least one entry in \"images\"");
        }
        List<TextSample> texts = new ArrayList<>();
        for (JsonNode text : root.path("texts")) {
            String value = text.path("text").asText("");
            texts.add(new TextSample(value, row(file, "text '" + value + "'", text.get("output"))));
        }
        return Optional.of(new ReferenceOutputs(file, root.path("model").asText(""),
                root.path("produced_by").asText(""), List.copyOf(images), List.copyOf(texts)));
    }

    private static float[] row(Path file, String what, JsonNode values) {
        if (values == null || !values.isArray() || values.isEmpty()) {
            throw new ModelLoadException(file + ": " + what + " needs a non-empty \"output\" array");
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = values.get(i);
            if (!v.isNumber()) {
                throw new ModelLoadException(file + ": " + what + " output[" + i + "] is not a number");
            }
            out[i] = (float) v.asDouble();
        }
        return out;
    }
}
