package com.ffs.validator.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What counts as a body and as JSON for the JSON-only rule. */
class JsonBodyFilterTest {

    @Test
    void jsonTypesPass() {
        assertThat(JsonBodyFilter.isJson("application/json")).isTrue();
        assertThat(JsonBodyFilter.isJson("Application/JSON; charset=utf-8")).isTrue();
        assertThat(JsonBodyFilter.isJson("application/problem+json")).isTrue();
    }

    @Test
    void whatAPageCanSendWithoutAPreflightIsRefused() {
        assertThat(JsonBodyFilter.isJson("application/x-www-form-urlencoded")).isFalse();
        assertThat(JsonBodyFilter.isJson("multipart/form-data; boundary=x")).isFalse();
        assertThat(JsonBodyFilter.isJson("text/plain")).isFalse();
        assertThat(JsonBodyFilter.isJson("text/plain; x=application/json")).isFalse();
        assertThat(JsonBodyFilter.isJson(null)).isFalse();
        assertThat(JsonBodyFilter.isJson("")).isFalse();
    }

    @Test
    void onlyRequestsWithABodyAreChecked() {
        assertThat(JsonBodyFilter.hasBody(null, null)).isFalse();
        assertThat(JsonBodyFilter.hasBody("0", null)).isFalse();
        assertThat(JsonBodyFilter.hasBody("12", null)).isTrue();
        assertThat(JsonBodyFilter.hasBody(null, "chunked")).isTrue();
        assertThat(JsonBodyFilter.hasBody("nonsense", null)).isTrue();
    }
}
