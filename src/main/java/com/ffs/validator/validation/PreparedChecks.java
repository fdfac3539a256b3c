package com.ffs.validator.validation;

import java.util.Map;

import com.ffs.validator.image.PreprocessorConfig;
import com.ffs.validator.inference.ModelKind;

/**
 * What serving needs once models are loaded: the scoring of each check and each model's preprocessing. Immutable,
 * published once.
 *
 * @param nsfw NSFW scoring from the model's labels
 * @param fashion fashion scoring against the embedded prompts
 * @param preprocessing each model's preprocessing
 * @param demo whether demo models answer
 */
record PreparedChecks(NsfwCheck nsfw, FashionCheck fashion, Map<ModelKind, PreprocessorConfig> preprocessing,
        boolean demo) {
}
