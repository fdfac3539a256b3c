package com.ffs.validator.inference;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Decodes numeric HTML character references and the common named ones, as Python's {@code html.unescape} would. */
final class HtmlEntities {

    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});?");
    private static final Map<String, String> NAMED = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"",
            "apos", "'", "nbsp", "\u00A0");

    private HtmlEntities() {
    }

    static String unescape(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        Matcher m = ENTITY.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String body = m.group(1);
            String replacement = m.group();
            if (body.startsWith("#")) {
                boolean hex = body.length() > 1 && (body.charAt(1) == 'x' || body.charAt(1) == 'X');
                int code = Integer.parseInt(body.substring(hex ? 2 : 1), hex ? 16 : 10);
                if (Character.isValidCodePoint(code) && code != 0) {
                    replacement = new String(Character.toChars(code));
                }
            } else if (NAMED.containsKey(body) && (m.group().endsWith(";") || !body.equals("apos"))) {
                replacement = NAMED.get(body);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
