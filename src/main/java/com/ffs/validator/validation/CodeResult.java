package com.ffs.validator.validation;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One code found in an image.
 *
 * @param format {@code qr_code}, {@code data_matrix} or {@code aztec}
 * @param text what the code encodes
 * @param kind where it would take a buyer
 */
@JsonPropertyOrder({ "format", "text", "kind" })
@Schema(name = "CodeResult", description = "A QR, Data Matrix or Aztec code found in the image")
public record CodeResult(
        @Schema(enumeration = {
                "qr_code", "data_matrix", "aztec" }) String format,
        @Schema(description = "The code's text as decoded") String text,
        @Schema(enumeration = { "url", "email", "phone", "handle", "other" }) CodeKind kind){
}
