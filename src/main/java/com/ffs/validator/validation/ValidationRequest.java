package com.ffs.validator.validation;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A validation request, the seed's shape: the native API's body and a RunPod job's {@code input}.
 *
 * @param action validate (default), nsfw, fashion, embedding or similarity
 * @param images http(s) URLs, data: URIs or base64 strings
 * @param nsfwThreshold overrides the configured NSFW threshold for this request
 * @param fashionThreshold overrides the configured fashion threshold for this request
 * @param texts for similarity: texts each image is scored against
 * @param referenceImage for similarity: an image (URL, data: URI or base64) each image is compared with
 * @param timeoutMs optional deadline in milliseconds: images not done by then are answered {@code CANCELLED}
 * @param checks what to check, instead of {@code action}: any of nsfw, fashion, embedding, quality, codes
 */
@Schema(description = "Images to check and what to check them for")
public record ValidationRequest(
        @Schema(description = "validate (all checks), nsfw, fashion, embedding, or similarity (each image against "
                + "texts and/or a reference image)", defaultValue = "validate", enumeration = {
                        "validate", "nsfw", "fashion", "embedding", "similarity" }) String action,
        @Schema(description = "http(s) URLs, data: URIs or plain base64 image data", required = true, examples = "https://picsum.photos/id/1/200/200.jpg") List<String> images,
        @JsonProperty("nsfw_threshold") @Schema(description = "is_nsfw when score >= this (0..1); default from configuration") Double nsfwThreshold,
        @JsonProperty("fashion_threshold") @Schema(description = "is_fashion when score >= this (0..1); default from configuration") Double fashionThreshold,
        @Schema(description = "similarity only: texts each image is scored against (SigLIP cosine and probability)", examples = "[\"red floral summer dress\"]") List<String> texts,
        @JsonProperty("reference_image") @Schema(description = "similarity only: an image (http(s) URL, data: URI or base64) each image is compared "
                + "with (SigLIP cosine)") String referenceImage,
        @JsonProperty("timeout_ms") @Schema(description = "optional deadline for the whole request in milliseconds (1 to 600000): images not done "
                + "by then leave the queues and are answered with error code CANCELLED; the others keep their results") Integer timeoutMs,
        @Schema(description = "instead of action: the checks to run on each image, any of nsfw, fashion, embedding, "
                + "quality (size, sharpness, brightness, contrast, white border and a verdict) and codes (QR, Data "
                + "Matrix and Aztec codes); each result holds exactly the fields of the checks asked for", examples = "[\"quality\", \"codes\"]") List<String> checks){

    public ValidationRequest(String action, List<String> images) {
        this(action, images, null, null, null, null, null, null);
    }
}
