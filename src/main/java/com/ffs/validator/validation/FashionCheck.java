package com.ffs.validator.validation;

import com.ffs.validator.validation.ImageResult.FashionResult;

/**
 * CLIP zero-shot: cosine of the image with every prompt, times the logit scale, softmax over all prompts; the score
 * is the summed probability of the fashion prompts. Prompt embeddings are computed once, at start-up.
 */
final class FashionCheck {

    private final float[][] prompts;
    private final int fashionPrompts;
    private final double logitScale;

    /**
     * @param promptEmbeddings text embeddings, fashion prompts first
     * @param fashionPrompts how many of them are fashion prompts
     * @param logitScale the multiplier itself (about 100 for CLIP)
     */
    FashionCheck(float[][] promptEmbeddings, int fashionPrompts, double logitScale) {
        if (fashionPrompts <= 0 || fashionPrompts >= promptEmbeddings.length) {
            throw new IllegalArgumentException("need at least one fashion and one non-fashion prompt");
        }
        this.prompts = new float[promptEmbeddings.length][];
        for (int i = 0; i < promptEmbeddings.length; i++) {
            prompts[i] = Scores.l2Normalize(promptEmbeddings[i]);
        }
        this.fashionPrompts = fashionPrompts;
        this.logitScale = logitScale;
    }

    FashionResult evaluate(float[] imageEmbedding, double threshold) {
        float[] image = Scores.l2Normalize(imageEmbedding);
        double[] logits = new double[prompts.length];
        for (int i = 0; i < prompts.length; i++) {
            logits[i] = logitScale * Scores.dot(image, prompts[i]);
        }
        double[] p = Scores.softmax(logits);
        double score = 0;
        for (int i = 0; i < fashionPrompts; i++) {
            score += p[i];
        }
        return new FashionResult(score >= threshold, score);
    }
}
