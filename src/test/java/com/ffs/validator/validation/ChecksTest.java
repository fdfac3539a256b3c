package com.ffs.validator.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.ffs.validator.image.IntakeError;
import com.ffs.validator.validation.ImageResult.FashionResult;
import com.ffs.validator.validation.ImageResult.NsfwResult;

/** The arithmetic of the three checks. */
class ChecksTest {

    @Test
    void softmaxShouldMatchTheClosedFormAndStayStableForLargeLogits() {
        double[] p = Scores.softmax(new double[] { 0, Math.log(3) });
        assertThat(p[0]).isCloseTo(0.25, offset(1e-12));
        assertThat(p[1]).isCloseTo(0.75, offset(1e-12));
        double[] big = Scores.softmax(new double[] { 1000, 1000, 1000 });
        assertThat(big).containsExactly(1 / 3.0, 1 / 3.0, 1 / 3.0);
    }

    @Test
    void l2NormalizeShouldGiveUnitLengthAndKeepZeroVectors() {
        float[] v = Scores.l2Normalize(new float[] { 3, 4 });
        assertThat(v).containsExactly(0.6f, 0.8f);
        assertThat(Scores.l2Normalize(new float[] { 0, 0 })).containsExactly(0f, 0f);
    }

    @Test
    void nsfwScoreShouldBeTheSoftmaxProbabilityOfTheUnsafeLabel() {
        NsfwCheck check = new NsfwCheck(List.of("normal", "nsfw"), List.of("nsfw"));
        NsfwResult r = check.evaluate(new float[] { 0f, (float) Math.log(3) }, 0.5);
        assertThat(r.score()).isCloseTo(0.75, offset(1e-6));
        assertThat(r.isNsfw()).isTrue();
        assertThat(check.evaluate(new float[] { 0f, (float) Math.log(3) }, 0.76).isNsfw()).isFalse();
    }

    @Test
    void nsfwThresholdShouldBeInclusive() {
        NsfwCheck check = new NsfwCheck(List.of("normal", "nsfw"), List.of("nsfw"));
        assertThat(check.evaluate(new float[] { 1f, 1f }, 0.5).isNsfw()).isTrue();
    }

    @Test
    void nsfwScoreShouldSumSeveralUnsafeLabels() {
        NsfwCheck check = new NsfwCheck(List.of("drawing", "hentai", "neutral", "porn", "sexy"),
                List.of("hentai", "porn", "sexy"));
        NsfwResult r = check.evaluate(new float[] { 0, 0, 0, 0, 0 }, 0.5);
        assertThat(r.score()).isCloseTo(0.6, offset(1e-9));
    }

    @Test
    void nsfwShouldRefuseUnsafeLabelsTheModelDoesNotHave() {
        assertThatThrownBy(() -> new NsfwCheck(List.of("normal", "nsfw"), List.of("porn")))
                .hasMessageContaining("porn").hasMessageContaining("[normal, nsfw]");
    }

    @Test
    void fashionScoreShouldBeTheSummedProbabilityOfTheFashionPrompts() {
        // Two fashion prompts, one other; the image lies along the first fashion prompt.
        float[][] prompts = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        FashionCheck check = new FashionCheck(prompts, 2, 1.0);
        FashionResult r = check.evaluate(new float[] { 2, 0, 0 }, 0.5);
        double e = Math.E;
        assertThat(r.score()).isCloseTo((e + 1) / (e + 2), offset(1e-9));
        assertThat(r.isFashion()).isTrue();
    }

    @Test
    void fashionShouldNormaliseEmbeddingsAndApplyTheLogitScale() {
        float[][] prompts = { { 10, 0 }, { 0, 0.1f } };
        FashionCheck check = new FashionCheck(prompts, 1, 100.0);
        FashionResult r = check.evaluate(new float[] { 0.6f, 0.8f }, 0.5);
        double expected = 1 / (1 + Math.exp(100 * (0.8 - 0.6)));
        assertThat(r.score()).isCloseTo(expected, offset(1e-6));
        assertThat(r.isFashion()).isFalse();
    }

    @Test
    void fashionNeedsPromptsOnBothSides() {
        assertThatThrownBy(() -> new FashionCheck(new float[][] { { 1 }, { 1 } }, 2, 100))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void actionShouldParseCaseInsensitivelyAndDefaultToValidate() {
        assertThat(Action.parse(null)).isEqualTo(Action.VALIDATE);
        assertThat(Action.parse(" Fashion ")).isEqualTo(Action.FASHION);
        assertThatThrownBy(() -> Action.parse("nude")).isInstanceOf(RequestException.class)
                .hasMessageContaining("validate, nsfw, fashion, embedding");
    }

    @Test
    void everyIntakeErrorShouldHaveAStableCode() {
        for (IntakeError e : IntakeError.values()) {
            assertThat(ErrorCode.of(e).name()).isEqualTo(e.name());
        }
    }

    @Test
    void inlineImagesShouldBeShortenedInResults() {
        String data = "data:image/png;base64," + "A".repeat(1000);
        assertThat(ValidationService.shown(data)).hasSizeLessThan(100).endsWith("(1022 chars)");
        assertThat(ValidationService.shown("https://x/y.png")).isEqualTo("https://x/y.png");
    }
}
