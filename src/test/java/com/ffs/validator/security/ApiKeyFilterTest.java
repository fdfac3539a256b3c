package com.ffs.validator.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which routes stay open without a key, and how presented keys are judged. */
class ApiKeyFilterTest {

    @Test
    void onlyPingIsOpen() {
        assertThat(ApiKeyFilter.isOpen("/ping")).isTrue();
        assertThat(ApiKeyFilter.isOpen("/v1/validate")).isFalse();
        assertThat(ApiKeyFilter.isOpen("/runsync")).isFalse();
        assertThat(ApiKeyFilter.isOpen("/v2/abc/status/1")).isFalse();
        assertThat(ApiKeyFilter.isOpen("/pings")).isFalse();
        assertThat(ApiKeyFilter.isOpen("/q/openapi")).isFalse();
    }

    @Test
    void keysAreMatchedExactlyAndBlankOnesIgnored() {
        ApiKeys keys = new ApiKeys(List.of(" alpha-key ", "", "beta-key"));
        assertThat(keys.required()).isTrue();
        assertThat(keys.count()).isEqualTo(2);
        assertThat(keys.refusal("Bearer alpha-key")).isNull();
        assertThat(keys.refusal("bearer beta-key ")).isNull();
        assertThat(keys.refusal("Bearer alpha-ke")).isEqualTo("the API key is not valid");
        assertThat(keys.refusal("alpha-key")).isEqualTo("the API key is not valid");
        assertThat(keys.refusal(null)).startsWith("an API key is required");
    }

    @Test
    void noKeysRefuseNothing() {
        ApiKeys none = new ApiKeys(List.of(" ", ""));
        assertThat(none.required()).isFalse();
        assertThat(none.refusal(null)).isNull();
    }

    @Test
    void quarkusEndpointsOnTheApiPortAreGuarded() {
        assertThat(QuarkusEndpointGuard.guarded("/q/openapi")).isTrue();
        assertThat(QuarkusEndpointGuard.guarded("/q/swagger-ui/index.html")).isTrue();
        assertThat(QuarkusEndpointGuard.guarded("/q")).isTrue();
        assertThat(QuarkusEndpointGuard.guarded("/ping")).isFalse();
        assertThat(QuarkusEndpointGuard.guarded("/v1/validate")).isFalse();
        assertThat(QuarkusEndpointGuard.guarded("/qq/openapi")).isFalse();
    }

    @Test
    void withoutKeysOnlyAnAnonymousChoiceMayStart() {
        String problem = KeyRequirement.problem(false, false);
        assertThat(problem).contains("validator.api.keys", "VALIDATOR_API_KEYS", "validator.api.allow-anonymous=true",
                "VALIDATOR_API_ALLOW_ANONYMOUS=true");
        assertThat(KeyRequirement.problem(false, true)).isNull();
        assertThat(KeyRequirement.problem(true, false)).isNull();
    }
}
