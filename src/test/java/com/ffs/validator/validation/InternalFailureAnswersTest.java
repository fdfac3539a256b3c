package com.ffs.validator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.ffs.validator.inference.InferenceException;

/**
 * An image that fails inside the service is answered with its request's id and nothing of the failure itself: no
 * exception text, type or path. The log line carries the same id with the details.
 */
class InternalFailureAnswersTest {

    @Test
    void shouldAnswerAnInternalFailureWithTheRequestIdOnly() {
        ImageResult.ImageError error = ValidationService.imageError(
                new IllegalStateException("/opt/models/nsfw.onnx: buffer index 7 out of bounds"), "0123456789abcdef");
        assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(error.message()).contains("request 0123456789abcdef").doesNotContain("/opt", "IllegalState",
                "bounds");
    }

    @Test
    void shouldAnswerAnInferenceFailureWithTheRequestIdOnly() {
        ImageResult.ImageError error = ValidationService.imageError(new InferenceException("ORT_FAIL in /usr/lib/cuda", null),
                "fedcba9876543210");
        assertThat(error.code()).isEqualTo(ErrorCode.INFERENCE_FAILED);
        assertThat(error.message()).contains("request fedcba9876543210").doesNotContain("/usr", "ORT_FAIL");
    }

    @Test
    void shouldGiveEachRequestItsOwnId() {
        assertThat(RequestIds.next()).matches("[0-9a-f]{16}").isNotEqualTo(RequestIds.next());
    }
}
