package com.ffs.validator.cli;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which per-image errors a later attempt may cure. Transient: fetch timeouts and connection failures, the image
 * host's 408, 425, 429 and 5xx answers, inference and internal failures, and requests that failed as a whole.
 * Everything else (invalid or blocked URLs, 4xx from the image host, formats, corrupt or oversized images,
 * malformed input lines, codes this version does not know) is permanent: a later run does not send it again.
 */
final class ErrorClasses {

    /** The code of an input line that cannot be read. */
    static final String MALFORMED_INPUT = "MALFORMED_INPUT";
    /** The code of an image whose request failed as a whole after its retries (e.g. a RunPod job that failed). */
    static final String REQUEST_FAILED = "REQUEST_FAILED";

    /** How a code is treated. */
    enum Kind {
        PERMANENT,
        TRANSIENT,
        /** Not a code this version knows: treated as permanent. */
        UNKNOWN
    }

    private static final Set<String> PERMANENT = Set.of("INVALID_URL", "INVALID_IMAGE_DATA", "FETCH_BLOCKED",
            "FETCH_TOO_LARGE", "UNSUPPORTED_FORMAT", "DECODE_FAILED", "IMAGE_TOO_LARGE", MALFORMED_INPUT);
    private static final Set<String> TRANSIENT = Set.of("FETCH_TIMEOUT", "FETCH_FAILED", "INFERENCE_FAILED",
            "CANCELLED", "INTERNAL_ERROR", REQUEST_FAILED);
    private static final Pattern HTTP_STATUS = Pattern.compile("\\bHTTP (\\d{3})\\b");

    private ErrorClasses() {
    }

    static Kind kind(String code, String message) {
        if (code == null) {
            return Kind.UNKNOWN;
        }
        if (code.equals("FETCH_HTTP_STATUS")) {
            Matcher m = HTTP_STATUS.matcher(message == null ? "" : message);
            if (m.find()) {
                int status = Integer.parseInt(m.group(1));
                return status == 408 || status == 425 || status == 429 || status >= 500 ? Kind.TRANSIENT
                        : Kind.PERMANENT;
            }
            // Too many redirects, or a redirect without a Location: the host's setup, not a passing state.
            return Kind.PERMANENT;
        }
        if (TRANSIENT.contains(code)) {
            return Kind.TRANSIENT;
        }
        return PERMANENT.contains(code) ? Kind.PERMANENT : Kind.UNKNOWN;
    }

    static boolean isTransient(String code, String message) {
        return kind(code, message) == Kind.TRANSIENT;
    }
}
