package com.ffs.validator.validation;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import com.ffs.validator.inference.ModelKind;

/** What a request asks for; each action runs the models it needs and returns only their fields. */
public enum Action {
    /** All three checks. */
    VALIDATE(EnumSet.allOf(ModelKind.class)),
    /** NSFW check only. */
    NSFW(EnumSet.of(ModelKind.NSFW)),
    /** Fashion check only. */
    FASHION(EnumSet.of(ModelKind.CLIP)),
    /** SigLIP embedding only. */
    EMBEDDING(EnumSet.of(ModelKind.SIGLIP)),
    /** Each image against the request's texts and/or reference image, in the SigLIP space. */
    SIMILARITY(EnumSet.of(ModelKind.SIGLIP));

    private final Set<ModelKind> models;

    Action(Set<ModelKind> models) {
        this.models = models;
    }

    public Set<ModelKind> models() {
        return models;
    }

    /** The name clients send. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the request's {@code action}; absent means {@link #VALIDATE}. */
    public static Action parse(String value) {
        if (value == null || value.isBlank()) {
            return VALIDATE;
        }
        for (Action a : values()) {
            if (a.wireName().equals(value.strip().toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new RequestException(RequestException.Code.UNKNOWN_ACTION,
                "unknown action '" + value + "'; valid actions: " + validNames());
    }

    static String validNames() {
        return Arrays.stream(values()).map(Action::wireName).collect(Collectors.joining(", "));
    }
}
