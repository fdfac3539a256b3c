package com.ffs.validator.validation;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * What makes a request runnable: an action, a bounded list of images, thresholds in range, the similarity fields
 * where (and only where) they belong, texts within their limits, a sane deadline. Each rule fails with a
 * {@link RequestException} naming the field.
 */
@ApplicationScoped
public class RequestRules {

    /** Longest {@code timeout_ms} accepted. */
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

    private final RequestConfig config;
    private final NsfwConfig nsfwConfig;
    private final FashionConfig fashionConfig;

    public RequestRules(RequestConfig config, NsfwConfig nsfwConfig, FashionConfig fashionConfig) {
        this.config = config;
        this.nsfwConfig = nsfwConfig;
        this.fashionConfig = fashionConfig;
    }

    /** Checks a validation request and fills in its defaults. */
    ValidatedRequest validation(ValidationRequest request) {
        if (request == null) {
            throw new RequestException(RequestException.Code.INVALID_REQUEST,
                    "a JSON body {\"action\": ..., \"images\": [...]} is required");
        }
        Action action = Action.parse(request.action());
        Set<Check> checks = checks(request, action);
        checkImages(request.images());
        checkSimilarityFields(action, request);
        double nsfw = threshold(request.nsfwThreshold(), nsfwConfig.threshold(), "nsfw_threshold");
        double fashion = threshold(request.fashionThreshold(), fashionConfig.threshold(), "fashion_threshold");
        return new ValidatedRequest(action, checks, List.copyOf(request.images()), nsfw, fashion,
                request.texts() == null ? List.of() : List.copyOf(request.texts()), request.referenceImage(),
                deadline(request.timeoutMs()));
    }

    /** Checks a text-embedding request's texts. */
    List<String> texts(TextEmbeddingRequest request) {
        if (request == null) {
            throw new RequestException(RequestException.Code.INVALID_REQUEST,
                    "a JSON body {\"texts\": [...]} is required");
        }
        return checkTexts(request.texts(), "texts");
    }

    /** The checks named by the request, or those its action stands for. */
    private static Set<Check> checks(ValidationRequest request, Action action) {
        if (request.checks() == null) {
            return Check.of(action);
        }
        if (request.action() != null && !request.action().isBlank()) {
            throw new RequestException(RequestException.Code.INVALID_REQUEST,
                    "give either 'action' (the seed's actions) or 'checks', not both");
        }
        if (request.checks().isEmpty()) {
            throw new RequestException(RequestException.Code.UNKNOWN_CHECK, "'checks' is empty; name at least one of "
                    + "nsfw, fashion, embedding, quality, codes");
        }
        Set<Check> checks = EnumSet.noneOf(Check.class);
        for (String name : request.checks()) {
            checks.add(Check.parse(name));
        }
        return checks;
    }

    private void checkImages(List<String> images) {
        if (images == null || images.isEmpty()) {
            throw new RequestException(RequestException.Code.NO_IMAGES,
                    "'images' must be a non-empty list of image URLs, data: URIs or base64 strings");
        }
        if (images.size() > config.maxImages()) {
            throw new RequestException(RequestException.Code.TOO_MANY_IMAGES, "at most " + config.maxImages()
                    + " images per request (validator.request.max-images), got " + images.size());
        }
    }

    private static double threshold(Double requested, double configured, String field) {
        if (requested == null) {
            return configured;
        }
        if (requested.isNaN() || requested < 0 || requested > 1) {
            throw new RequestException(RequestException.Code.INVALID_THRESHOLD,
                    "'" + field + "' must be between 0 and 1, got " + requested);
        }
        return requested;
    }

    private static Optional<Duration> deadline(Integer timeoutMs) {
        if (timeoutMs == null) {
            return Optional.empty();
        }
        if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT.toMillis()) {
            throw new RequestException(RequestException.Code.INVALID_TIMEOUT, "'timeout_ms' must be between 1 and "
                    + MAX_TIMEOUT.toMillis() + ", got " + timeoutMs);
        }
        return Optional.of(Duration.ofMillis(timeoutMs));
    }

    /** The similarity fields: required by the similarity action, refused with any other. */
    private void checkSimilarityFields(Action action, ValidationRequest request) {
        boolean hasTexts = request.texts() != null;
        boolean hasReference = request.referenceImage() != null;
        if (action != Action.SIMILARITY) {
            if (hasTexts || hasReference) {
                throw new RequestException(RequestException.Code.INVALID_REQUEST, "'texts' and 'reference_image' "
                        + "belong to action 'similarity', not '" + action.wireName() + "'");
            }
            return;
        }
        if (!hasTexts && !hasReference) {
            throw new RequestException(RequestException.Code.NO_SIMILARITY_TARGET, "action 'similarity' needs "
                    + "'texts' (a list of strings) and/or 'reference_image' (an image URL, data: URI or base64)");
        }
        if (hasTexts) {
            checkTexts(request.texts(), "texts");
        }
        if (hasReference && request.referenceImage().isBlank()) {
            throw new RequestException(RequestException.Code.INVALID_REFERENCE_IMAGE,
                    "'reference_image' is empty; give an image URL, data: URI or base64 string");
        }
    }

    /** Non-empty, within the count limit, each text non-blank and within the length limit. */
    private List<String> checkTexts(List<String> texts, String field) {
        if (texts == null || texts.isEmpty()) {
            throw new RequestException(RequestException.Code.NO_TEXTS, "'" + field + "' must be a non-empty list of "
                    + "strings");
        }
        if (texts.size() > config.maxTexts()) {
            throw new RequestException(RequestException.Code.TOO_MANY_TEXTS, "at most " + config.maxTexts()
                    + " texts per request (validator.request.max-texts), got " + texts.size());
        }
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null || text.isBlank()) {
                throw new RequestException(RequestException.Code.INVALID_TEXT, "'" + field + "[" + i + "]' is "
                        + (text == null ? "null" : "blank") + "; every text must have words");
            }
            int length = text.codePointCount(0, text.length());
            if (length > config.maxTextLength()) {
                throw new RequestException(RequestException.Code.INVALID_TEXT, "'" + field + "[" + i + "]' has "
                        + length + " characters; at most " + config.maxTextLength()
                        + " (validator.request.max-text-length)");
            }
        }
        return List.copyOf(texts);
    }
}
