package com.ffs.validator.image;

import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns one entry of a request's {@code images} list into bytes: an http(s) URL, a data: URI or bare base64. Inline
 * data is decoded on the executor the caller names, never on an event loop.
 */
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

    /** A new request's share of the download slots; pass it to every {@link #load} of that request. */
    public FetchGroup group() {
        return fetcher.group();
    }

    /**
     * The image's bytes; the future fails with an {@link IntakeException}. Close the body once decoded.
     *
     * @param inline where base64 data is decoded (a CPU pool)
     */
    public CompletableFuture<ImageBody> load(String reference, FetchGroup group, Executor inline) {
        if (reference == null || reference.isBlank()) {
            return CompletableFuture.failedFuture(new IntakeException(IntakeError.INVALID_URL, "empty image reference"));
        }
        if (reference.regionMatches(true, 0, "data:", 0, 5)) {
            return CompletableFuture.supplyAsync(() -> ImageBody.of(dataUri(reference)), inline);
        }
        String head = reference.length() > 16 ? reference.substring(0, 16) : reference;
        String lower = head.strip().toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return fetcher.fetch(reference.strip(), group);
        }
        if (reference.length() >= MIN_INLINE_CHARS && !reference.contains("://")) {
            return CompletableFuture.supplyAsync(() -> {
                if (!BASE64.matcher(reference).matches()) {
                    throw notAnImageReference();
                }
                return ImageBody.of(base64(reference));
            }, inline);
        }
        return CompletableFuture.failedFuture(notAnImageReference());
    }

    /** Whether a reference is inline data rather than a URL, for echoing it back in short form. */
    public static boolean isInline(String reference) {
        return reference != null && !reference.regionMatches(true, 0, "http://", 0, 7)
                && !reference.regionMatches(true, 0, "https://", 0, 8);
    }

    private static IntakeException notAnImageReference() {
        return new IntakeException(IntakeError.INVALID_URL, "expected an http(s) URL, a data: URI or base64 image data");
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
        if (compact.length() / 4 > maxBytes / 3 + 1) {
            throw tooLarge();
        }
        // Four characters carry three bytes: refuse what cannot fit before decoding anything.
        byte[] bytes;
        try {
            bytes = (compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0 ? Base64.getUrlDecoder()
                    : Base64.getDecoder()).decode(compact);
        } catch (IllegalArgumentException e) {
            throw new IntakeException(IntakeError.INVALID_IMAGE_DATA, "invalid base64 data");
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
