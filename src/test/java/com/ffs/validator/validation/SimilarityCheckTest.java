package com.ffs.validator.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

/** The similarity action's arithmetic: cosines of normalised embeddings and SigLIP's sigmoid probability. */
class SimilarityCheckTest {

    private static final float[] IMAGE = { 3, 4, 0 };

    @Test
    void shouldScoreEachTextInOrderWithCosineAndSigmoidProbability() {
        SimilarityCheck check = new SimilarityCheck(List.of("same", "orthogonal", "opposite"),
                new float[][] { { 6, 8, 0 }, { 0, 0, 2 }, { -3, -4, 0 } }, null, OptionalDouble.of(10), -5);
        SimilarityResult result = check.evaluate(IMAGE);
        assertThat(result.referenceImage()).isNull();
        assertThat(result.texts()).extracting(SimilarityResult.TextScore::text)
                .containsExactly("same", "orthogonal", "opposite");
        assertThat(result.texts().get(0).cosine()).isCloseTo(1.0, within(1e-6));
        assertThat(result.texts().get(0).probability()).isCloseTo(1 / (1 + Math.exp(-5)), within(1e-6));
        assertThat(result.texts().get(1).cosine()).isCloseTo(0.0, within(1e-9));
        assertThat(result.texts().get(1).probability()).isCloseTo(1 / (1 + Math.exp(5)), within(1e-9));
        assertThat(result.texts().get(2).probability()).isCloseTo(1 / (1 + Math.exp(15)), within(1e-9));
    }

    @Test
    void shouldCompareWithTheReferenceImage() {
        SimilarityCheck check = new SimilarityCheck(List.of(), new float[0][], new float[] { 4, 3, 0 },
                OptionalDouble.of(10), -5);
        SimilarityResult result = check.evaluate(IMAGE);
        assertThat(result.texts()).isNull();
        assertThat(result.referenceImage().cosine()).isCloseTo(24.0 / 25, within(1e-6));
    }

    @Test
    void shouldLeaveOutTheProbabilityWithoutALogitScale() {
        SimilarityCheck check = new SimilarityCheck(List.of("t"), new float[][] { { 1, 0, 0 } }, null,
                OptionalDouble.empty(), 0);
        assertThat(check.evaluate(IMAGE).texts().get(0).probability()).isNull();
        assertThat(check.evaluate(IMAGE).texts().get(0).cosine()).isCloseTo(0.6, within(1e-6));
    }
}
