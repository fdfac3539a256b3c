package com.ffs.validator.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The configured API keys, kept only as SHA-256 digests and compared in constant time; never logged. One instance
 * serves every guard (the API routes and the Quarkus endpoints on the API port).
 */
@Singleton
public class ApiKeys {

    private static final String BEARER = "bearer ";

    private final List<byte[]> digests;

    @Inject
    ApiKeys(ApiKeysConfig config) {
        this(config.keys().orElse(List.of()));
    }

    ApiKeys(List<String> keys) {
        this.digests = keys.stream().map(String::strip).filter(k -> !k.isEmpty()).map(ApiKeys::digest).toList();
    }

    /** Whether any key is configured, i.e. whether callers must present one. */
    public boolean required() {
        return !digests.isEmpty();
    }

    /** How many keys are configured. */
    int count() {
        return digests.size();
    }

    /**
     * Why a request with this {@code Authorization} header is refused, or null when it may pass (a valid key, or
     * no keys configured). The reason is safe to show to the caller.
     */
    String refusal(String authorization) {
        if (digests.isEmpty()) {
            return null;
        }
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            byte[] presented = digest(authorization.substring(BEARER.length()).strip());
            boolean match = false;
            for (byte[] key : digests) {
                // Check every key so timing does not reveal which one matched.
                match |= MessageDigest.isEqual(presented, key);
            }
            if (match) {
                return null;
            }
        }
        return authorization == null ? "an API key is required: send 'Authorization: Bearer <key>'"
                : "the API key is not valid";
    }

    /** The 401 problem document for a refusal. */
    static String problem(String detail) {
        return "{\"type\":\"urn:ffs-validator:problem:unauthorized\",\"title\":\"Unauthorized\",\"status\":401,"
                + "\"detail\":\"" + detail + "\",\"code\":\"UNAUTHORIZED\"}";
    }

    static final String CHALLENGE = "Bearer realm=\"ffs-validator\"";

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
