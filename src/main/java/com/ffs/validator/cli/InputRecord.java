package com.ffs.validator.cli;

/**
 * One input line: an image to send, or the reason the line cannot be read.
 *
 * @param line 1-based line number in the input
 * @param id the caller's id, when the input has one
 * @param url the image (URL, data: URI or base64); null when malformed
 * @param malformed why the line cannot be used; null for an image
 */
record InputRecord(long line, String id, String url, String malformed) {

    static InputRecord image(long line, String id, String url) {
        return new InputRecord(line, id, url, null);
    }

    static InputRecord malformed(long line, String id, String reason) {
        return new InputRecord(line, id, null, reason);
    }

    boolean isMalformed() {
        return malformed != null;
    }
}
