package com.ffs.validator.security;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Optional API keys for the HTTP API. */
@ConfigMapping(prefix = "validator.api")
public interface ApiKeysConfig {

    /** Accepted Bearer keys (comma-separated, from a Secret); when set, API routes answer 401 without one of them. */
    Optional<List<String>> keys();
}
