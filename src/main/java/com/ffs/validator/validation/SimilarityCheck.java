package com.ffs.validator.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import com.ffs.validator.validation.SimilarityResult.ReferenceScore;
import com.ffs.validator.validation.SimilarityResult.TextScore;

/**
 * The {@code similarity} action's arithmetic, once the request's texts and reference image are embedded: cosines of
 * L2-normalised SigLIP embeddings, and for texts SigLIP's calibrated sigmoid probability.
 */
final class SimilarityCheck {

    private final List<String> texts;
    private final float[][] textEmbeddings;
    private final float[] reference;
    private final OptionalDouble logitScale;
    private final double logitBias;

    /**
     * @param texts the request's texts (may be empty)
     * @param textEmbeddings their embeddings, in order (normalised here)
     * @param reference the reference image's embedding, or null (normalised here)
     * @param logitScale SigLIP's multiplier itself (not its logarithm), when the model has one
     * @param logitBias SigLIP's bias (0 when the model has none)
     */
    SimilarityCheck(List<String> texts, float[][] textEmbeddings, float[] reference, OptionalDouble logitScale,
            double logitBias) {
        if (texts.size() != textEmbeddings.length) {
            throw new IllegalArgumentException(texts.size() + " texts but " + textEmbeddings.length + " embeddings");
        }
        this.texts = List.copyOf(texts);
        this.textEmbeddings = new float[textEmbeddings.length][];
        for (int i = 0; i < textEmbeddings.length; i++) {
            this.textEmbeddings[i] = Scores.l2Normalize(textEmbeddings[i]);
        }
        this.reference = reference == null ? null : Scores.l2Normalize(reference);
        this.logitScale = logitScale;
        this.logitBias = logitBias;
    }

    SimilarityResult evaluate(float[] imageEmbedding) {
        float[] image = Scores.l2Normalize(imageEmbedding);
        List<TextScore> scores = null;
        if (!texts.isEmpty()) {
            scores = new ArrayList<>(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                double cos = Scores.dot(image, textEmbeddings[i]);
                Double p = logitScale.isPresent() ? Scores.sigmoid(logitScale.getAsDouble() * cos + logitBias) : null;
                scores.add(new TextScore(texts.get(i), cos, p));
            }
        }
        ReferenceScore ref = reference == null ? null : new ReferenceScore(Scores.dot(image, reference));
        return new SimilarityResult(scores, ref);
    }
}
