package com.ffs.validator.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which routes stay open without a key. */
class ApiKeyFilterTest {

    @Test
    void onlyPingAndQuarkusEndpointsAreOpen() {
        assertThat(ApiKeyFilter.isOpen("/ping")).isTrue();
        assertThat(ApiKeyFilter.isOpen("/q/health/ready")).isTrue();
        assertThat(ApiKeyFilter.isOpen("/v1/validate")).isFalse();
        assertThat(ApiKeyFilter.isOpen("/runsync")).isFalse();
        assertThat(ApiKeyFilter.isOpen("/v2/abc/status/1")).isFalse();
        assertThat(ApiKeyFilter.isOpen("/pings")).isFalse();
    }
}
