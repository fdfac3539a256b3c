package com.ffs.validator.validation;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Text embeddings in request order.
 *
 * @param embeddings one L2-normalised vector per text
 * @param model the SigLIP model's id
 * @param demo present and true when a demo model answered
 */
@Schema(description = "One L2-normalised SigLIP text embedding per text, in request order")
public record TextEmbeddingResponse(
        @Schema(description = "L2-normalised embeddings (768 floats each for the real model); the dot product with an "
                + "image's embedding is their cosine similarity") List<float[]> embeddings,
        @Schema(description = "Model id from the model's config.json") String model,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "true when a generated demo model answered") Boolean demo) {
}
