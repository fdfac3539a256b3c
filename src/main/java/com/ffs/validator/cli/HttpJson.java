package com.ffs.validator.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON over HTTP for the remote backends: sends with the key as {@code Authorization: Bearer}, reads answers up to a
 * size limit, and turns statuses and I/O failures into {@link BatchFailure}s (401/403 refused key; 408, 425, 429
 * and 5xx retried after {@code Retry-After} or a backoff; other 4xx fatal; no connection retried). Thread-safe.
 */
final class HttpJson implements AutoCloseable {

    /** The largest answer read; results of a full batch with embeddings are a few MB. */
    static final int MAX_BODY_BYTES = 64 << 20;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

    /**
     * An answer.
     *
     * @param status the HTTP status
     * @param body the body as JSON; a missing node when it is not JSON
     * @param retryAfter the Retry-After header, when present and readable
     */
    record Reply(int status, JsonNode body, Optional<Duration> retryAfter) {
    }

    private final HttpClient client;
    private final ObjectMapper mapper;
    private final Optional<String> apiKey;
    private final Duration requestTimeout;
    private final String describe;
    private final Supplier<ZonedDateTime> now;

    HttpJson(ObjectMapper mapper, Optional<String> apiKey, Duration requestTimeout, String describe,
            Supplier<ZonedDateTime> now) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.mapper = mapper;
        this.apiKey = apiKey;
        this.requestTimeout = requestTimeout;
        this.describe = describe;
        this.now = now;
    }

    /** The endpoint as messages name it. */
    String describe() {
        return describe;
    }

    CompletableFuture<Reply> post(URI uri, Object body) {
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(BatchFailure.fatal(ExitCodes.INCOMPLETE, "cannot write a request: "
                    + e.getOriginalMessage()));
        }
        return send(request(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
    }

    CompletableFuture<Reply> get(URI uri) {
        return send(request(uri).GET().build());
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept", "application/json")
                .header("User-Agent", "ffs-validator-bulk");
        apiKey.ifPresent(k -> b.header("Authorization", "Bearer " + k));
        return b;
    }

    private CompletableFuture<Reply> send(HttpRequest request) {
        return client.sendAsync(request, info -> new BoundedBody(MAX_BODY_BYTES))
                .handle((response, e) -> {
                    if (e != null) {
                        throw new CompletionException(unreachable(e));
                    }
                    JsonNode body;
                    try {
                        byte[] bytes = response.body();
                        body = bytes.length == 0 ? mapper.missingNode() : mapper.readTree(bytes);
                    } catch (IOException notJson) {
                        body = mapper.missingNode();
                    }
                    return new Reply(response.statusCode(), body == null ? mapper.missingNode() : body,
                            response.headers().firstValue("Retry-After").flatMap(v -> retryAfter(v, now.get())));
                });
    }

    /** What a status other than 2xx means for the request. */
    BatchFailure failure(Reply reply, String what) {
        int status = reply.status();
        String detail = detail(reply.body());
        String text = describe + " answered HTTP " + status + " to " + what + (detail.isEmpty() ? "" : ": " + detail);
        if (status == 401 || status == 403) {
            return BatchFailure.fatal(ExitCodes.REFUSED, describe + " refused the API key (HTTP " + status + ")"
                    + (apiKey.isEmpty() ? "; none was given: use --api-key or the environment variable" : "")
                    + (detail.isEmpty() ? "" : ": " + detail));
        }
        if (status == 408 || status == 425 || status == 429 || status >= 500) {
            return BatchFailure.retry(text, reply.retryAfter().orElse(null));
        }
        if (status == 404) {
            return BatchFailure.fatal(ExitCodes.UNAVAILABLE, text + " (is the endpoint URL right?)");
        }
        return BatchFailure.fatal(ExitCodes.UNAVAILABLE, text);
    }

    /** A failure before any answer: always worth retrying until the run gives up on the endpoint. */
    BatchFailure unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BatchFailure bf) {
                return bf;
            }
        }
        Throwable cause = e;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = null;
        for (Throwable t = cause; t != null && message == null; t = t.getCause()) {
            message = t.getMessage();
        }
        String more = message == null ? "" : " (" + message + ")";
        String why = switch (cause) {
            case HttpConnectTimeoutException t -> "connecting timed out";
            case HttpTimeoutException t -> "no answer within " + Progress.duration(requestTimeout)
                    + " (--request-timeout)";
            case ConnectException c -> "cannot connect" + more;
            case UnresolvedAddressException u -> "cannot resolve the host";
            case IOException io -> "connection failed" + more;
            default -> "request failed" + more;
        };
        return BatchFailure.retry(describe + ": " + why, null);
    }

    /** The readable part of an error body: a problem's {@code detail}, RunPod's {@code error}, or nothing. */
    static String detail(JsonNode body) {
        for (String field : new String[] { "detail", "error", "message", "title" }) {
            JsonNode node = body.path(field);
            if (node.isTextual() && !node.asText().isBlank()) {
                String text = node.asText().strip();
                return text.length() > 300 ? text.substring(0, 300) + "..." : text;
            }
        }
        return "";
    }

    /** Reads Retry-After: seconds or an HTTP date, capped at ten minutes. */
    static Optional<Duration> retryAfter(String value, ZonedDateTime now) {
        String v = value.strip();
        try {
            long seconds = Long.parseLong(v);
            return Optional.of(clamp(Duration.ofSeconds(Math.max(0, Math.min(seconds, MAX_RETRY_AFTER.toSeconds())))));
        } catch (NumberFormatException e) {
            // an HTTP date, below
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            return Optional.of(clamp(Duration.between(now, at)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Duration clamp(Duration d) {
        if (d.isNegative()) {
            return Duration.ZERO;
        }
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    @Override
    public void close() {
        client.shutdownNow();
    }

    /** Collects a body up to a limit; a longer one fails the request instead of filling memory. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final int limit;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final List<ByteBuffer> parts = new ArrayList<>();
        private Flow.Subscription subscription;
        private long size;

        BoundedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                size += item.remaining();
                if (size > limit) {
                    subscription.cancel();
                    result.completeExceptionally(BatchFailure.fatal(ExitCodes.UNAVAILABLE, "an answer is larger "
                            + "than " + (limit >> 20) + " MB; use a smaller --batch"));
                    return;
                }
                parts.add(item);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            byte[] out = new byte[(int) size];
            int at = 0;
            for (ByteBuffer part : parts) {
                int n = part.remaining();
                part.get(out, at, n);
                at += n;
            }
            result.complete(out);
        }
    }
}
