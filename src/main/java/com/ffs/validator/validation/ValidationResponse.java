package com.ffs.validator.validation;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Results in the order of the request's images.
 *
 * @param results one entry per image
 * @param demo present and true when demo models answered: the scores are not verdicts
 */
@Schema(description = "One result per input image, in input order")
public record ValidationResponse(
        List<ImageResult> results,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "true when generated demo models answered; their scores follow colour rules, not content") Boolean demo) {
}
