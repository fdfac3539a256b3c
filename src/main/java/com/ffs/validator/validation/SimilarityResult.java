package com.ffs.validator.validation;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One image scored by the {@code similarity} action, in the SigLIP space.
 *
 * @param texts one score per request text, in request order (absent when the request had no texts)
 * @param referenceImage the score against the request's reference image (absent when it had none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "SimilarityResult", description = "The image against the request's texts and reference image")
public record SimilarityResult(
        List<TextScore> texts,
        @JsonProperty("reference_image") ReferenceScore referenceImage) {

    /**
     * The image against one text.
     *
     * @param text the text as sent
     * @param cosine cosine similarity of the L2-normalised embeddings, -1..1 (use it to rank)
     * @param probability SigLIP's sigmoid(logit_scale * cosine + logit_bias), 0..1: how likely the model deems the
     *        pair a match, each text on its own (not a softmax over the texts)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "TextScore")
    public record TextScore(
            String text,
            @Schema(description = "Cosine similarity of image and text embeddings, -1..1") double cosine,
            @Schema(description = "sigmoid(logit_scale * cosine + logit_bias) with the model's calibration; absent "
                    + "when its config.json has no logit_scale") Double probability) {
    }

    /**
     * The image against the reference image.
     *
     * @param cosine cosine similarity of the two image embeddings, -1..1 (1 for the same picture)
     */
    @Schema(name = "ReferenceScore")
    public record ReferenceScore(@Schema(description = "Cosine similarity of the two image embeddings") double cosine) {
    }
}
