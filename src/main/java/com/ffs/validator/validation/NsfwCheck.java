package com.ffs.validator.validation;

import java.util.ArrayList;
import java.util.List;

import com.ffs.validator.validation.ImageResult.NsfwResult;

/** Softmax over the classifier's logits; the score is the probability of the unsafe labels together. */
final class NsfwCheck {

    private final boolean[] unsafe;

    NsfwCheck(List<String> labels, List<String> unsafeLabels) {
        this.unsafe = new boolean[labels.size()];
        List<String> unknown = new ArrayList<>();
        for (String label : unsafeLabels) {
            int i = labels.indexOf(label);
            if (i < 0) {
                unknown.add(label);
            } else {
                unsafe[i] = true;
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("validator.nsfw.unsafe-labels names " + unknown
                    + " but the nsfw model's labels are " + labels);
        }
    }

    NsfwResult evaluate(float[] logits, double threshold) {
        if (logits.length != unsafe.length) {
            throw new IllegalArgumentException("expected " + unsafe.length + " logits, got " + logits.length);
        }
        double[] l = new double[logits.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = logits[i];
        }
        double[] p = Scores.softmax(l);
        double score = 0;
        for (int i = 0; i < p.length; i++) {
            if (unsafe[i]) {
                score += p[i];
            }
        }
        return new NsfwResult(score >= threshold, score);
    }
}
