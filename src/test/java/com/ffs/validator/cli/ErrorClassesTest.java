package com.ffs.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.ffs.validator.validation.ErrorCode;

/** Which per-image errors a resume sends again. */
class ErrorClassesTest {

    @Test
    void shouldClassifyEveryErrorCodeOfTheService() {
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(ErrorClasses.kind(code.name(), "HTTP 404 Not Found")).as(code.name())
                    .isNotEqualTo(ErrorClasses.Kind.UNKNOWN);
        }
    }

    @Test
    void shouldRetryFetchFailuresAndServerErrorsOnly() {
        assertThat(ErrorClasses.isTransient("FETCH_TIMEOUT", "no complete image within 10000 ms")).isTrue();
        assertThat(ErrorClasses.isTransient("FETCH_FAILED", "connection failed: reset")).isTrue();
        assertThat(ErrorClasses.isTransient("FETCH_HTTP_STATUS", "HTTP 503 Service Unavailable")).isTrue();
        assertThat(ErrorClasses.isTransient("FETCH_HTTP_STATUS", "HTTP 429")).isTrue();
        assertThat(ErrorClasses.isTransient("FETCH_HTTP_STATUS", "HTTP 404 Not Found")).isFalse();
        assertThat(ErrorClasses.isTransient("FETCH_HTTP_STATUS", "HTTP 410 Gone")).isFalse();
        assertThat(ErrorClasses.isTransient("FETCH_HTTP_STATUS", "more than 5 redirects")).isFalse();
        assertThat(ErrorClasses.isTransient("INFERENCE_FAILED", "x")).isTrue();
        assertThat(ErrorClasses.isTransient(ErrorClasses.REQUEST_FAILED, "job FAILED")).isTrue();
        assertThat(ErrorClasses.isTransient("UNSUPPORTED_FORMAT", "not an image")).isFalse();
        assertThat(ErrorClasses.isTransient("DECODE_FAILED", "truncated")).isFalse();
        assertThat(ErrorClasses.isTransient(ErrorClasses.MALFORMED_INPUT, "bad")).isFalse();
        assertThat(ErrorClasses.kind("SOMETHING_NEW", "x")).isEqualTo(ErrorClasses.Kind.UNKNOWN);
        assertThat(ErrorClasses.isTransient("SOMETHING_NEW", "x")).isFalse();
    }
}
