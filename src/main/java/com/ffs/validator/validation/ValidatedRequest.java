package com.ffs.validator.validation;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.ffs.validator.inference.ModelKind;

/**
 * A request that passed {@link RequestRules}: what to run, with every default filled in.
 *
 * @param action the action (validate when the request named checks instead)
 * @param checks what to check on each image
 * @param images the image references, in order
 * @param nsfwThreshold the NSFW threshold to apply
 * @param fashionThreshold the fashion threshold to apply
 * @param texts similarity texts (empty when none)
 * @param referenceImage the similarity reference image, or null
 * @param deadline the request's deadline, when it set {@code timeout_ms}
 */
record ValidatedRequest(Action action, Set<Check> checks, List<String> images, double nsfwThreshold, double fashionThreshold,
        List<String> texts, String referenceImage, Optional<Duration> deadline) {

    /** The models the request's images need. */
    Set<ModelKind> models() {
        return Check.models(checks);
    }

    /** Images admitted for this request: its own, plus the reference image. */
    int admittedImages() {
        return images.size() + (referenceImage != null ? 1 : 0);
    }
}
