package com.ffs.validator.validation;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids that tie an answer to its log lines: an internal failure is logged with its id, and the caller is told the id
 * instead of the failure's own text.
 */
public final class RequestIds {

    private RequestIds() {
    }

    /** A new id: 16 hex digits, random (not a secret, only unlikely to repeat). */
    public static String next() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
