package com.ffs.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Retry-After in both of its forms, and the readable part of error bodies. */
class HttpJsonTest {

    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 12, 2, 10, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void shouldReadRetryAfterAsSecondsOrDateAndCapIt() {
        assertThat(HttpJson.retryAfter("7", NOW)).contains(Duration.ofSeconds(7));
        assertThat(HttpJson.retryAfter(" 0 ", NOW)).contains(Duration.ZERO);
        assertThat(HttpJson.retryAfter("Wed, 02 Dec 2026 10:00:30 GMT", NOW)).contains(Duration.ofSeconds(30));
        assertThat(HttpJson.retryAfter("Wed, 02 Dec 2026 09:59:00 GMT", NOW)).contains(Duration.ZERO);
        assertThat(HttpJson.retryAfter("86400", NOW)).contains(Duration.ofMinutes(10));
        assertThat(HttpJson.retryAfter("soon", NOW)).isEmpty();
    }

    @Test
    void shouldTakeTheDetailOfProblemsAndRunPodErrors() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        assertThat(HttpJson.detail(mapper.readTree("{\"title\":\"Invalid request\",\"detail\":\"at most 64 images\"}")))
                .isEqualTo("at most 64 images");
        assertThat(HttpJson.detail(mapper.readTree("{\"error\":\"job store is full\"}"))).isEqualTo(
                "job store is full");
        assertThat(HttpJson.detail(mapper.missingNode())).isEmpty();
    }
}
