package com.ffs.validator.inference;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where models come from. */
@ConfigMapping(prefix = "validator.models")
public interface ModelsConfig {

    /** Directory holding the {@code nsfw/}, {@code clip/} and {@code siglip/} model folders. */
    @WithDefault("models")
    Path dir();

    /** Generate and serve small demo models instead of reading the model directory; their outputs are no verdicts. */
    @WithDefault("false")
    boolean demo();

    /** Exit the process when models fail to load, so the orchestrator restarts it; otherwise stay up with readiness DOWN. */
    @WithDefault("true")
    boolean exitOnFailure();

    /** File and tensor name overrides for the nsfw model. */
    Overrides nsfw();

    /** File and tensor name overrides for the CLIP model. */
    Overrides clip();

    /** File and tensor name overrides for the SigLIP model. */
    Overrides siglip();

    /** Names that differ from the model directory contract, for exports that name things differently. */
    interface Overrides {

        /** Image graph file inside the model folder (default {@code model.onnx} for nsfw, else {@code vision_model.onnx}). */
        Optional<String> imageGraph();

        /** Image graph input (default {@code pixel_values}). */
        Optional<String> imageInput();

        /** Image graph output (default {@code logits} for nsfw, else {@code image_embeds}). */
        Optional<String> imageOutput();

        /** Text graph file (default {@code text_model.onnx}). */
        Optional<String> textGraph();

        /** Text graph token-id input (default {@code input_ids}). */
        Optional<String> textInput();

        /** Text graph attention-mask input, fed when the graph has it (default {@code attention_mask}). */
        Optional<String> textMaskInput();

        /** Text graph output (default {@code text_embeds}). */
        Optional<String> textOutput();
    }

    /** The overrides of one model. */
    default Overrides overrides(ModelKind kind) {
        return switch (kind) {
            case NSFW -> nsfw();
            case CLIP -> clip();
            case SIGLIP -> siglip();
        };
    }
}
