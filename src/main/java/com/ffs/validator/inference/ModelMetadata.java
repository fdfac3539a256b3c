package com.ffs.validator.inference;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code config.json} says about a model.
 *
 * @param name model id ({@code _name_or_path} or {@code model_id}), or the folder name
 * @param labels class labels by index, from {@code id2label} (classifiers only)
 * @param logitScale the similarity multiplier itself (about 100 for CLIP), not its logarithm
 * @param logitBias SigLIP's logit bias
 * @param padTokenId pad id for the text tower, when {@code tokenizer.json} does not say
 * @param textClean text normalisation before tokenising ({@code canonicalize} for Marqo's SigLIP)
 * @param demo whether the folder holds a generated demo model ({@code "ffs_demo": true}), never a verdict
 */
public record ModelMetadata(String name, List<String> labels, Optional<Double> logitScale,
        Optional<Double> logitBias, OptionalInt padTokenId, Optional<String> textClean, boolean demo) {
}
