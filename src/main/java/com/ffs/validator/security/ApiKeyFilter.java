package com.ffs.validator.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.logging.Log;

/**
 * Requires {@code Authorization: Bearer <key>} on every API route when {@code validator.api.keys} is set. Health and
 * metrics are served on the management port and never pass through here; RunPod's {@code /ping} stays open because
 * RunPod's load balancer probes it without credentials. Keys are compared as SHA-256 digests in constant time and
 * are never logged.
 */
public class ApiKeyFilter {

    private static final String BEARER = "bearer ";

    private final List<byte[]> keyDigests;

    public ApiKeyFilter(ApiKeysConfig config) {
        this.keyDigests = config.keys().orElse(List.of()).stream()
                .map(String::strip).filter(k -> !k.isEmpty()).map(ApiKeyFilter::digest).toList();
        if (!keyDigests.isEmpty()) {
            Log.infof("API keys required on API routes (%d key(s) configured)", keyDigests.size());
        }
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> requireKey(ContainerRequestContext request) {
        if (keyDigests.isEmpty() || isOpen(request.getUriInfo().getPath())) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            byte[] presented = digest(header.substring(BEARER.length()).strip());
            boolean match = false;
            for (byte[] key : keyDigests) {
                // Check every key so timing does not reveal which one matched.
                match |= MessageDigest.isEqual(presented, key);
            }
            if (match) {
                return Optional.empty();
            }
        }
        String detail = header == null ? "an API key is required: send 'Authorization: Bearer <key>'"
                : "the API key is not valid";
        return Optional.of(Response.status(Response.Status.UNAUTHORIZED)
                .type("application/problem+json")
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"ffs-validator\"")
                .entity("{\"type\":\"urn:ffs-validator:problem:unauthorized\",\"title\":\"Unauthorized\","
                        + "\"status\":401,\"detail\":\"" + detail + "\",\"code\":\"UNAUTHORIZED\"}")
                .build());
    }

    /** Routes that must answer without credentials. */
    static boolean isOpen(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.equals("/ping") || p.startsWith("/q/");
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
