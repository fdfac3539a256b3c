package com.ffs.validator.cli;

/** An image reference as output lines show it: URLs as given, inline data shortened as the service echoes it. */
final class Shown {

    private static final int INLINE_CHARS = 48;

    private Shown() {
    }

    static String of(String reference) {
        if (reference == null) {
            return null;
        }
        boolean url = reference.regionMatches(true, 0, "http://", 0, 7)
                || reference.regionMatches(true, 0, "https://", 0, 8);
        if (!url && reference.length() > INLINE_CHARS) {
            return reference.substring(0, INLINE_CHARS) + "...(" + reference.length() + " chars)";
        }
        return reference;
    }
}
