package com.ffs.validator.validation;

import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.ffs.validator.image.CodeScan;
import com.ffs.validator.image.CodeScanner;
import com.ffs.validator.image.RgbImage;
import com.ffs.validator.image.ScannedCode;

/**
 * The codes check: finds QR, Data Matrix and Aztec codes in an image ({@link CodeScanner}) and says where each would
 * take a buyer ({@link CodeKind}), the way sellers lure buyers off a marketplace.
 */
@ApplicationScoped
public class CodesCheck {

    /** Digits in a phone number: the shortest local numbers to E.164's longest. */
    private static final int MIN_PHONE_DIGITS = 7;
    private static final int MAX_PHONE_DIGITS = 15;
    private static final int MAX_HANDLE_LENGTH = 30;

    private final CodeScanner scanner;

    @Inject
    public CodesCheck(CodesConfig config) {
        this(new CodeScanner(config.timeLimit()));
    }

    CodesCheck(CodeScanner scanner) {
        this.scanner = scanner;
    }

    /**
     * The codes in {@code image}, in the order found; empty when there is none. {@code copy} is its
     * {@link com.ffs.validator.image.CheckCopy}, shared with the other raster checks.
     */
    public List<CodeResult> evaluate(RgbImage image, RgbImage copy) {
        return results(scan(image, copy));
    }

    /** Scans a code of the scanner's own once, at start-up: a cold first scan can run past the time limit. */
    public void warmUp() {
        scanner.warmUp();
    }

    /** The scan alone, which also says whether it ran to the end ({@link CodeScan#complete()}). */
    public CodeScan scan(RgbImage image, RgbImage copy) {
        return scanner.scan(image, copy);
    }

    /** The scan's codes as results. */
    public static List<CodeResult> results(CodeScan scan) {
        return scan.codes().stream().map(CodesCheck::result).toList();
    }

    static CodeResult result(ScannedCode code) {
        return new CodeResult(code.format().wireName(), code.text(), classify(code.text()));
    }

    /**
     * Where {@code text} points: explicit schemes first ({@code mailto:}, {@code tel:}/{@code sms:}, contact cards,
     * any {@code scheme://} or {@code www.}), then bare e-mail addresses, {@code @handles}, phone numbers and domain
     * names. Runs in time linear in the text.
     */
    public static CodeKind classify(String text) {
        String t = text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("mailto:") || lower.startsWith("matmsg:")) {
            return CodeKind.EMAIL;
        }
        for (String scheme : List.of("tel:", "sms:", "smsto:", "mms:", "mmsto:")) {
            if (lower.startsWith(scheme)) {
                return CodeKind.PHONE;
            }
        }
        if (lower.startsWith("begin:vcard") || lower.startsWith("mecard:")) {
            return lower.contains("tel:") || lower.contains("\ntel;") ? CodeKind.PHONE
                    : lower.contains("email") ? CodeKind.EMAIL : CodeKind.OTHER;
        }
        if (hasScheme(lower) || lower.startsWith("www.")) {
            return CodeKind.URL;
        }
        if (isEmailAddress(lower)) {
            return CodeKind.EMAIL;
        }
        if (isHandle(t)) {
            return CodeKind.HANDLE;
        }
        if (isPhoneNumber(t)) {
            return CodeKind.PHONE;
        }
        if (isDomainName(lower)) {
            return CodeKind.URL;
        }
        return CodeKind.OTHER;
    }

    /** {@code scheme://...} with an RFC 3986 scheme (a letter, then letters, digits, {@code + - .}). */
    private static boolean hasScheme(String s) {
        int colon = s.indexOf("://");
        if (colon <= 0 || !isLetter(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < colon; i++) {
            char c = s.charAt(i);
            if (!isLetter(c) && !isDigit(c) && c != '+' && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** {@code local@domain.tld}: one {@code @}, no spaces, a domain name after it. */
    private static boolean isEmailAddress(String s) {
        int at = s.indexOf('@');
        if (at <= 0 || at != s.lastIndexOf('@') || s.indexOf(' ') >= 0) {
            return false;
        }
        String domain = s.substring(at + 1);
        return isHost(domain, domain.length());
    }

    /** {@code @name}: letters, digits, dots and underscores, as Instagram, TikTok and X allow. */
    private static boolean isHandle(String s) {
        if (s.length() < 2 || s.length() > MAX_HANDLE_LENGTH + 1 || s.charAt(0) != '@') {
            return false;
        }
        boolean alphanumeric = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean letterOrDigit = isLetter(Character.toLowerCase(c)) || isDigit(c);
            if (!letterOrDigit && c != '.' && c != '_') {
                return false;
            }
            alphanumeric |= letterOrDigit;
        }
        return alphanumeric;
    }

    /**
     * 7 to 15 digits with the usual separators and a {@code +} only in front; a run of bare digits counts only when it
     * starts with {@code +} or {@code 0} (international or trunk prefix), so product numbers stay {@code other}.
     */
    private static boolean isPhoneNumber(String s) {
        int digits = 0;
        boolean separated = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isDigit(c)) {
                digits++;
            } else if (c == '+' ? i != 0 : " -()./".indexOf(c) < 0) {
                return false;
            } else if (c != '+') {
                separated = true;
            }
        }
        boolean prefixed = !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '0');
        return digits >= MIN_PHONE_DIGITS && digits <= MAX_PHONE_DIGITS && (separated || prefixed);
    }

    /** {@code host.tld} optionally followed by a path, query or fragment, without a scheme. */
    private static boolean isDomainName(String s) {
        if (s.indexOf(' ') >= 0) {
            return false;
        }
        int end = s.length();
        for (char c : new char[] { '/', '?', '#' }) {
            int i = s.indexOf(c);
            if (i >= 0) {
                end = Math.min(end, i);
            }
        }
        return isHost(s, end);
    }

    /** Whether {@code s[0, end)} is two or more DNS labels ending in an alphabetic top-level domain. */
    private static boolean isHost(String s, int end) {
        int labels = 0;
        int start = 0;
        while (start <= end) {
            int dot = s.indexOf('.', start);
            int stop = dot < 0 || dot > end ? end : dot;
            if (stop == start || s.charAt(start) == '-' || s.charAt(stop - 1) == '-') {
                return false;
            }
            boolean last = stop == end;
            for (int i = start; i < stop; i++) {
                char c = s.charAt(i);
                boolean ok = last ? isLetter(c) : isLetter(c) || isDigit(c) || c == '-';
                if (!ok) {
                    return false;
                }
            }
            if (last && stop - start < 2) {
                return false;
            }
            labels++;
            start = stop + 1;
        }
        return labels >= 2;
    }

    private static boolean isLetter(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
