package com.ffs.validator.inference;

import java.util.Locale;

/** The three models the service serves, with the file and tensor names of the model directory contract. */
public enum ModelKind {
    /** Falconsai/nsfw_image_detection: pixel_values to logits. */
    NSFW("model.onnx", "logits", null, null),
    /** laion/CLIP-ViT-B-32-laion2B-s34B-b79K, split into a vision and a text graph. */
    CLIP("vision_model.onnx", "image_embeds", "text_model.onnx", "text_embeds"),
    /** Marqo/marqo-fashionSigLIP, split into a vision and a text graph. */
    SIGLIP("vision_model.onnx", "image_embeds", "text_model.onnx", "text_embeds");

    static final String IMAGE_INPUT = "pixel_values";
    static final String TEXT_INPUT = "input_ids";
    static final String TEXT_MASK_INPUT = "attention_mask";

    private final String imageGraph;
    private final String imageOutput;
    private final String textGraph;
    private final String textOutput;

    ModelKind(String imageGraph, String imageOutput, String textGraph, String textOutput) {
        this.imageGraph = imageGraph;
        this.imageOutput = imageOutput;
        this.textGraph = textGraph;
        this.textOutput = textOutput;
    }

    /** The folder name under the model directory, also used in metrics, logs and readiness data. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the model has a text tower. */
    public boolean hasText() {
        return textGraph != null;
    }

    String defaultImageGraph() {
        return imageGraph;
    }

    String defaultImageOutput() {
        return imageOutput;
    }

    String defaultTextGraph() {
        return textGraph;
    }

    String defaultTextOutput() {
        return textOutput;
    }
}
