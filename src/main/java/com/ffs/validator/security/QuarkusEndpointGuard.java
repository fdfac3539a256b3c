package com.ffs.validator.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;

/**
 * Puts Quarkus's own endpoints on the API port (the OpenAPI document at {@code /q/openapi}, Swagger UI at
 * {@code /q/swagger-ui}) behind the API keys. They are plain Vert.x routes that the JAX-RS key filter never sees.
 * Health and metrics live on the management interface, a router of its own that this filter does not touch.
 */
@ApplicationScoped
public class QuarkusEndpointGuard {

    /** Runs before Quarkus's own filters so that nothing of these endpoints answers first. */
    private static final int PRIORITY = 1_000;

    void register(@Observes Filters filters, ApiKeys keys) {
        if (keys.required()) {
            filters.register(ctx -> guard(ctx, keys), PRIORITY);
        }
    }

    private static void guard(RoutingContext ctx, ApiKeys keys) {
        if (!guarded(ctx.normalizedPath())) {
            ctx.next();
            return;
        }
        String refusal = keys.refusal(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (refusal == null) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(401)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .putHeader(HttpHeaders.WWW_AUTHENTICATE, ApiKeys.CHALLENGE)
                .end(ApiKeys.problem(refusal));
    }

    /** Quarkus's non-application endpoints on the API port. */
    static boolean guarded(String path) {
        return path != null && (path.equals("/q") || path.startsWith("/q/"));
    }
}
