package com.ffs.validator.validation;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.ffs.validator.inference.ModelKind;

/**
 * One thing a request can ask of each image, by the request's {@code checks} field: the three model checks of the
 * seed's actions, and the raster checks that need no model.
 */
public enum Check {
    /** NSFW verdict (model). */
    NSFW(ModelKind.NSFW),
    /** Fashion verdict (model). */
    FASHION(ModelKind.CLIP),
    /** SigLIP image embedding (model). */
    EMBEDDING(ModelKind.SIGLIP),
    /** Size, sharpness, brightness, contrast, white border and a verdict (the decoded raster). */
    QUALITY(null),
    /** QR, Data Matrix and Aztec codes found in the image (the decoded raster). */
    CODES(null);

    private final ModelKind model;

    Check(ModelKind model) {
        this.model = model;
    }

    /** The model this check runs, if any. */
    public Optional<ModelKind> model() {
        return Optional.ofNullable(model);
    }

    /** The name clients send. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The checks an action stands for (similarity's embedding is answered as similarity, not as embedding). */
    static Set<Check> of(Action action) {
        return switch (action) {
            case VALIDATE -> EnumSet.of(NSFW, FASHION, EMBEDDING);
            case NSFW -> EnumSet.of(NSFW);
            case FASHION -> EnumSet.of(FASHION);
            case EMBEDDING, SIMILARITY -> EnumSet.of(EMBEDDING);
        };
    }

    /** The models a set of checks needs. */
    static Set<ModelKind> models(Set<Check> checks) {
        Set<ModelKind> models = EnumSet.noneOf(ModelKind.class);
        checks.forEach(c -> c.model().ifPresent(models::add));
        return models;
    }

    /** Parses a check's name; an unknown one names the valid ones. */
    static Check parse(String value) {
        if (value != null) {
            for (Check c : values()) {
                if (c.wireName().equals(value.strip().toLowerCase(Locale.ROOT))) {
                    return c;
                }
            }
        }
        throw new RequestException(RequestException.Code.UNKNOWN_CHECK, "unknown check '" + value
                + "'; valid checks: " + Arrays.stream(values()).map(Check::wireName).collect(Collectors.joining(", ")));
    }
}
