package com.ffs.validator.security;

import java.util.Locale;
import java.util.Optional;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Accepts request bodies only as JSON ({@code application/json} or a {@code +json} type) on every API route, and
 * answers anything else, including a body without a Content-Type, with 415. A web page can send a cross-origin POST
 * without asking first only as a form, {@code text/plain} or an untyped body; refusing those keeps a page that a
 * browser inside the cluster opens from submitting jobs.
 */
public class JsonBodyFilter {

    static final String PROBLEM = "{\"type\":\"urn:ffs-validator:problem:unsupported-media-type\","
            + "\"title\":\"Unsupported Media Type\",\"status\":415,"
            + "\"detail\":\"the body must be JSON: send it with 'Content-Type: application/json'\","
            + "\"code\":\"UNSUPPORTED_MEDIA_TYPE\"}";

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> requireJson(ContainerRequestContext request) {
        if (!hasBody(request.getHeaderString(HttpHeaders.CONTENT_LENGTH),
                request.getHeaderString("Transfer-Encoding"))
                || isJson(request.getHeaderString(HttpHeaders.CONTENT_TYPE))) {
            return Optional.empty();
        }
        return Optional.of(Response.status(Response.Status.UNSUPPORTED_MEDIA_TYPE)
                .type("application/problem+json").entity(PROBLEM).build());
    }

    /** Whether the request carries a body (a positive length, or a chunked one). */
    static boolean hasBody(String contentLength, String transferEncoding) {
        if (transferEncoding != null && !transferEncoding.isBlank()) {
            return true;
        }
        if (contentLength == null) {
            return false;
        }
        try {
            return Long.parseLong(contentLength.strip()) > 0;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Whether a Content-Type names JSON: {@code application/json} or {@code application/<x>+json}, any parameters. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip()
                .toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }
}
