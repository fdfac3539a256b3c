package com.ffs.validator.validation;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a code's text would take a buyer; the lower-case name is what results carry. */
public enum CodeKind {
    /** A web address or another app link ({@code https://...}, {@code www....}, {@code shop.example/x}). */
    URL,
    /** An e-mail address ({@code mailto:}, a bare address, a contact card with only an e-mail). */
    EMAIL,
    /** A phone number ({@code tel:}, {@code sms:}, a bare number, a contact card with a number). */
    PHONE,
    /** A social-media handle ({@code @name}). */
    HANDLE,
    /** Anything else: product numbers, Wi-Fi settings, plain text. */
    OTHER;

    /** The name in results, e.g. {@code url}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
