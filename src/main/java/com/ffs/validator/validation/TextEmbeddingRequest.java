package com.ffs.validator.validation;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Texts to embed with the SigLIP text tower, for text-to-image search against image embeddings.
 *
 * @param texts the texts, in the order their embeddings are returned
 */
@Schema(description = "Texts to embed in the SigLIP space (the space of the image embeddings)")
public record TextEmbeddingRequest(
        @Schema(description = "Texts to embed; cleaned as the model was trained (lower case, punctuation removed)", required = true, examples = "[\"red floral summer dress\", \"white leather sneakers\"]") List<String> texts) {
}
