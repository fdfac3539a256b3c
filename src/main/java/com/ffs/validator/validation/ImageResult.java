package com.ffs.validator.validation;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One image's outcome, in the seed's shape: the fields the action asked for, or an error.
 *
 * @param url the image as sent (inline data shortened)
 * @param nsfw the NSFW verdict
 * @param fashion the fashion verdict
 * @param embedding the L2-normalised SigLIP embedding
 * @param similarity the image against the request's texts and reference image (similarity action)
 * @param quality size, sharpness, brightness, contrast, white border and the verdict (check quality)
 * @param codes the QR, Data Matrix and Aztec codes found (check codes); empty when there is none
 * @param error why this image has no result
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "url", "nsfw", "fashion", "embedding", "similarity", "quality", "codes", "error" })
@Schema(description = "One image's result; only the fields the action asks for, or error")
public record ImageResult(
        @Schema(description = "The image reference as sent; inline data is shortened") String url,
        NsfwResult nsfw,
        FashionResult fashion,
        @Schema(description = "L2-normalised SigLIP image embedding (768 floats for the real model)") float[] embedding,
        SimilarityResult similarity,
        QualityResult quality,
        @Schema(description = "QR, Data Matrix and Aztec codes found in the image; empty when there is none") List<CodeResult> codes,
        ImageError error) {

    static ImageResult failed(String url, ImageError error) {
        return new ImageResult(url, null, null, null, null, null, null, error);
    }

    /** The NSFW verdict: {@code score} is the probability of the unsafe label(s). */
    @Schema(name = "NsfwResult")
    public record NsfwResult(@JsonProperty("is_nsfw") boolean isNsfw, double score) {
    }

    /** The fashion verdict: {@code score} is the summed probability of the fashion prompts. */
    @Schema(name = "FashionResult")
    public record FashionResult(@JsonProperty("is_fashion") boolean isFashion, double score) {
    }

    /** Why an image failed; {@code code} is one of the stable codes. */
    @Schema(name = "ImageError")
    public record ImageError(@Schema(description = "Stable error code") ErrorCode code, String message) {
    }
}
