package com.ffs.validator.inference;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Text normalisation a model's tokenizer expects before tokenising, named by {@code text_clean} in config.json. */
enum TextCleaner {
    /** Text passes unchanged. */
    NONE,
    /**
     * OpenCLIP's "canonicalize", used by Marqo's SigLIP: underscores to spaces, ASCII punctuation removed,
     * lower case, whitespace collapsed. (ftfy's mojibake repair has no Java equivalent; it is a no-op on clean text.)
     */
    CANONICALIZE;

    private static final Pattern WHITESPACE = Pattern.compile("(?U)\\s+");
    private static final String ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    String clean(String text) {
        if (this == NONE) {
            return text;
        }
        String s = HtmlEntities.unescape(HtmlEntities.unescape(text)).replace('_', ' ');
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (ASCII_PUNCTUATION.indexOf(c) < 0) {
                out.append(c);
            }
        }
        // Python's str methods treat every Unicode space as whitespace; (?U) makes \\s do the same.
        return WHITESPACE.matcher(out.toString().toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    }

    static TextCleaner of(Optional<String> name) {
        if (name.isEmpty()) {
            return NONE;
        }
        return switch (name.get().toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "canonicalize" -> CANONICALIZE;
            default -> throw new ModelLoadException("unknown text_clean '" + name.get() + "' (known: none, canonicalize)");
        };
    }
}
