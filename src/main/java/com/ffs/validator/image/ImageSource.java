package com.ffs.validator.image;

import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

/** Turns one entry of a request's {@code images} list into bytes: an http(s) URL, a data: URI or bare base64. */
@ApplicationScoped
public class ImageSource {

    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=_\\-\\s]+");
    private static final Pattern WHITESPACE = Pattern.compile("\\s");
    private static final int MIN_INLINE_CHARS = 16;

    private final ImageFetcher fetcher;
    private final long maxBytes;

    public ImageSource(ImageFetcher fetcher, FetchConfig config) {
        this.fetcher = fetcher;
        this.maxBytes = config.maxBytes();
    }

    /** The image's bytes; the future fails with an {@link IntakeException}. */
    public CompletableFuture<byte[]> load(String reference) {
        if (reference == null || reference.isBlank()) {
            return CompletableFuture.failedFuture(new IntakeException(IntakeError.INVALID_URL, "empty image reference"));
        }
        String lower = reference.regionMatches(true, 0, "data:", 0, 5) ? "data:"
                : reference.strip().toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("data:")) {
                return CompletableFuture.completedFuture(dataUri(reference));
            }
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                return fetcher.fetch(reference.strip());
            }
            if (reference.length() >= MIN_INLINE_CHARS && !reference.contains("://")
                    && BASE64.matcher(reference).matches()) {
                return CompletableFuture.completedFuture(base64(reference));
            }
        } catch (IntakeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.failedFuture(new IntakeException(IntakeError.INVALID_URL,
                "expected an http(s) URL, a data: URI or base64 image data"));
    }

    /** Whether a reference is inline data rather than a URL, for echoing it back in short form. */
    public static boolean isInline(String reference) {
        return reference != null && !reference.regionMatches(true, 0, "http://", 0, 7)
                && !reference.regionMatches(true, 0, "https://", 0, 8);
    }

    private byte[] dataUri(String uri) {
        int comma = uri.indexOf(',');
        if (comma < 0) {
            throw new IntakeException(IntakeError.INVALID_IMAGE_DATA, "data: URI without a comma");
        }
        String meta = uri.substring(5, comma).toLowerCase(Locale.ROOT);
        if (!meta.endsWith(";base64")) {
            throw new IntakeException(IntakeError.INVALID_IMAGE_DATA, "only base64 data: URIs are accepted");
        }
        return base64(uri.substring(comma + 1));
    }

    private byte[] base64(String text) {
        String compact = WHITESPACE.matcher(text).replaceAll("");
        // Four characters carry three bytes: refuse what cannot fit before decoding anything.
        if (compact.length() / 4 > maxBytes / 3 + 1) {
            throw tooLarge();
        }
        byte[] bytes;
        try {
            bytes = (compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0 ? Base64.getUrlDecoder()
                    : Base64.getDecoder()).decode(compact);
        } catch (IllegalArgumentException e) {
            throw new IntakeException(IntakeError.INVALID_IMAGE_DATA, "invalid base64: " + e.getMessage());
        }
        if (bytes.length > maxBytes) {
            throw tooLarge();
        }
        return bytes;
    }

    private IntakeException tooLarge() {
        return new IntakeException(IntakeError.FETCH_TOO_LARGE, "inline image exceeds " + maxBytes + " bytes");
    }
}
