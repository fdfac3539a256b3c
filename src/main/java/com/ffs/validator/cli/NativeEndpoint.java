package com.ffs.validator.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** An ffs-validator service's native API: one {@code POST /v1/validate} per request. */
final class NativeEndpoint implements Backend {

    private final HttpJson http;
    private final URI validate;
    private final Ask ask;
    private final String describe;

    NativeEndpoint(URI base, Ask ask, HttpJson http) {
        this.http = http;
        this.validate = URI.create(base + "/v1/validate");
        this.ask = ask;
        this.describe = http.describe();
    }

    static String describe(URI base) {
        return base + " (ffs-validator API)";
    }

    @Override
    public CompletableFuture<List<ObjectNode>> send(List<String> images) {
        return http.post(validate, ask.body(images)).thenApply(reply -> {
            if (reply.status() / 100 != 2) {
                throw http.failure(reply, "POST /v1/validate");
            }
            return results(reply.body(), describe);
        });
    }

    /** The {@code results} array of a validation response, each an object. */
    static List<ObjectNode> results(JsonNode body, String describe) {
        JsonNode results = body.path("results");
        if (!results.isArray()) {
            throw BatchFailure.fatal(ExitCodes.UNAVAILABLE, describe + " answered without 'results': is it an "
                    + "ffs-validator endpoint?");
        }
        List<ObjectNode> out = new ArrayList<>(results.size());
        for (JsonNode result : results) {
            if (!(result instanceof ObjectNode object)) {
                throw BatchFailure.fatal(ExitCodes.UNAVAILABLE, describe + " answered a result that is not an object");
            }
            out.add(object);
        }
        return out;
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public void close() {
        http.close();
    }
}
