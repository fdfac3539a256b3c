package com.ffs.validator.image;

/**
 * One code found in an image.
 *
 * @param format its symbology
 * @param text what it encodes, as the decoder reads it
 */
public record ScannedCode(CodeFormat format, String text) {
}
