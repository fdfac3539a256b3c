package com.ffs.validator.security;

import java.util.Locale;
import java.util.Optional;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Requires {@code Authorization: Bearer <key>} on every API route when {@code validator.api.keys} is set. Health and
 * metrics are served on the management port and never pass through here; RunPod's {@code /ping} stays open because
 * RunPod's load balancer probes it without credentials. Runs before the other filters, so an unauthenticated caller
 * learns nothing else about the request.
 */
public class ApiKeyFilter {

    private final ApiKeys keys;

    public ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public Optional<Response> requireKey(ContainerRequestContext request) {
        if (!keys.required() || isOpen(request.getUriInfo().getPath())) {
            return Optional.empty();
        }
        String refusal = keys.refusal(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (refusal == null) {
            return Optional.empty();
        }
        return Optional.of(Response.status(Response.Status.UNAUTHORIZED)
                .type("application/problem+json")
                .header(HttpHeaders.WWW_AUTHENTICATE, ApiKeys.CHALLENGE)
                .entity(ApiKeys.problem(refusal))
                .build());
    }

    /** Routes that must answer without credentials. */
    static boolean isOpen(String path) {
        return path.toLowerCase(Locale.ROOT).equals("/ping");
    }
}
