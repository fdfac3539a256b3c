package com.ffs.validator.security;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** API keys for the HTTP API, and whether the API may run without them. */
@ConfigMapping(prefix = "validator.api")
public interface ApiKeysConfig {

    /** Accepted Bearer keys (comma-separated, from a Secret); when set, API routes answer 401 without one of them. */
    Optional<List<String>> keys();

    /** Whether the API may serve without keys; the pod profile sets false, so a pod without keys refuses to start. */
    @WithDefault("true")
    boolean allowAnonymous();
}
