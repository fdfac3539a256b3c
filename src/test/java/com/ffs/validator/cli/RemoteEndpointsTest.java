package com.ffs.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** The two remote backends against a scripted HTTP server: statuses, Retry-After, keys, RunPod job polling. */
class RemoteEndpointsTest {

    /** One scripted answer. */
    record Answer(int status, String body, Map<String, String> headers) {
        static Answer json(int status, String body) {
            return new Answer(status, body, Map.of());
        }
    }

    private HttpServer server;
    private final Map<String, Deque<Answer>> script = new ConcurrentHashMap<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<String> keys = new CopyOnWriteArrayList<>();
    private final CountDownLatch polled = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        seen.add(route);
        if (route.contains("/status/")) {
            polled.countDown();
        }
        keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        exchange.getRequestBody().readAllBytes();
        Deque<Answer> answers = script.get(route);
        Answer a = answers == null || answers.isEmpty() ? Answer.json(404, "{\"error\":\"no such route\"}")
                : answers.size() > 1 ? answers.poll() : answers.peek();
        a.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void on(String route, Answer... answers) {
        script.put(route, new ArrayDeque<>(List.of(answers)));
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private HttpJson http(String describe) {
        return new HttpJson(BulkCommand.remoteMapper(), Optional.of("k-1"), Duration.ofSeconds(10), describe,
                ZonedDateTime::now);
    }

    private static BatchFailure failure(Throwable e) {
        Throwable t = e instanceof CompletionException ? e.getCause() : e;
        assertThat(t).isInstanceOf(BatchFailure.class);
        return (BatchFailure) t;
    }

    private static final String RESULTS = "{\"results\":[{\"url\":\"a\",\"embedding\":[0.0026921628,1.1454968E-4]},"
            + "{\"url\":\"b\",\"error\":{\"code\":\"DECODE_FAILED\",\"message\":\"truncated\"}}]}";

    @Test
    void shouldRetryABusyNativeApiAfterRetryAfterThenReadTheResults() throws Exception {
        on("POST /v1/validate", new Answer(429, "{\"detail\":\"busy\"}", Map.of("Retry-After", "3")),
                Answer.json(200, RESULTS));
        NativeEndpoint endpoint = new NativeEndpoint(base(), new Ask("validate", null), http("svc"));
        assertThatThrownBy(() -> endpoint.send(List.of("a", "b")).join()).satisfies(e -> {
            BatchFailure f = failure(e);
            assertThat(f.kind()).isEqualTo(BatchFailure.Kind.RETRY);
            assertThat(f.retryAfter()).contains(Duration.ofSeconds(3));
            assertThat(f.getMessage()).isEqualTo("svc answered HTTP 429 to POST /v1/validate: busy");
        });
        List<ObjectNode> results = endpoint.send(List.of("a", "b")).join();
        assertThat(results).hasSize(2);
        assertThat(results.get(0).get("embedding").get(0).decimalValue()).isEqualByComparingTo("0.0026921628");
        assertThat(results.get(1).get("error").get("code").asText()).isEqualTo("DECODE_FAILED");
        assertThat(keys).containsOnly("Bearer k-1");
    }

    @Test
    void shouldEndOnARefusedKeyOrAWrongUrlAndRetryServerErrors() {
        NativeEndpoint endpoint = new NativeEndpoint(base(), new Ask("nsfw", null), http("svc"));
        on("POST /v1/validate", Answer.json(401, "{\"detail\":\"the API key is not valid\"}"));
        assertThatThrownBy(() -> endpoint.send(List.of("a")).join()).satisfies(e -> {
            assertThat(failure(e).kind()).isEqualTo(BatchFailure.Kind.FATAL);
            assertThat(failure(e).exitCode()).isEqualTo(ExitCodes.REFUSED);
            assertThat(failure(e).getMessage()).isEqualTo("svc refused the API key (HTTP 401): the API key is not "
                    + "valid");
        });
        on("POST /v1/validate", Answer.json(502, ""));
        assertThatThrownBy(() -> endpoint.send(List.of("a")).join()).satisfies(e -> assertThat(failure(e).kind())
                .isEqualTo(BatchFailure.Kind.RETRY));
        script.clear();
        assertThatThrownBy(() -> endpoint.send(List.of("a")).join()).satisfies(e -> {
            assertThat(failure(e).exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(failure(e).getMessage()).contains("HTTP 404").contains("is the endpoint URL right?");
        });
        on("POST /v1/validate", Answer.json(200, "{\"hello\":1}"));
        assertThatThrownBy(() -> endpoint.send(List.of("a")).join()).satisfies(e -> assertThat(failure(e)
                .getMessage()).contains("without 'results'"));
    }

    @Test
    void shouldRetryWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        NativeEndpoint endpoint = new NativeEndpoint(URI.create("http://127.0.0.1:" + port), new Ask("validate", null),
                http("svc"));
        assertThatThrownBy(() -> endpoint.send(List.of("a")).join()).satisfies(e -> {
            assertThat(failure(e).kind()).isEqualTo(BatchFailure.Kind.RETRY);
            assertThat(failure(e).getMessage()).startsWith("svc: cannot connect");
        });
    }

    @Test
    void shouldPollARunPodJobUntilItCompletes() {
        on("POST /v2/ep/run", Answer.json(200, "{\"id\":\"job-1\",\"status\":\"IN_QUEUE\"}"));
        on("GET /v2/ep/status/job-1", Answer.json(200, "{\"id\":\"job-1\",\"status\":\"IN_QUEUE\"}"),
                Answer.json(429, "{}"), Answer.json(200, "{\"id\":\"job-1\",\"status\":\"IN_PROGRESS\"}"),
                Answer.json(200, "{\"id\":\"job-1\",\"status\":\"COMPLETED\",\"output\":" + RESULTS + "}"));
        RunPodEndpoint endpoint = new RunPodEndpoint(URI.create(base() + "/v2/ep"), new Ask("validate", null), http("rp"),
                Duration.ofSeconds(30));
        List<ObjectNode> results = endpoint.send(List.of("a", "b")).join();
        assertThat(results).hasSize(2);
        assertThat(seen).containsExactly("POST /v2/ep/run", "GET /v2/ep/status/job-1", "GET /v2/ep/status/job-1",
                "GET /v2/ep/status/job-1", "GET /v2/ep/status/job-1");
        endpoint.close();
        assertThat(seen).doesNotContain("POST /v2/ep/cancel/job-1");
    }

    @Test
    void shouldFailAFailedJobAndResendAJobThatIsGone() {
        on("POST /v2/ep/run", Answer.json(200, "{\"id\":\"job-2\",\"status\":\"IN_QUEUE\"}"));
        on("GET /v2/ep/status/job-2", Answer.json(200, "{\"id\":\"job-2\",\"status\":\"FAILED\",\"error\":\"boom\"}"));
        RunPodEndpoint endpoint = new RunPodEndpoint(URI.create(base() + "/v2/ep"), new Ask("validate", null), http("rp"),
                Duration.ofSeconds(30));
        assertThatThrownBy(() -> endpoint.send(List.of("a")).join()).satisfies(e -> {
            assertThat(failure(e).kind()).isEqualTo(BatchFailure.Kind.FAILED);
            assertThat(failure(e).getMessage()).isEqualTo("rp: job job-2 FAILED: boom");
        });
        on("GET /v2/ep/status/job-2", Answer.json(404, "{\"error\":\"job not found\"}"));
        assertThatThrownBy(() -> endpoint.send(List.of("a")).join()).satisfies(e -> {
            assertThat(failure(e).kind()).isEqualTo(BatchFailure.Kind.RETRY);
            assertThat(failure(e).getMessage()).contains("is gone");
        });
        endpoint.close();
    }

    @Test
    void shouldCancelJobsStillRunningWhenClosed() throws Exception {
        on("POST /v2/ep/run", Answer.json(200, "{\"id\":\"job-3\",\"status\":\"IN_QUEUE\"}"));
        on("GET /v2/ep/status/job-3", Answer.json(200, "{\"id\":\"job-3\",\"status\":\"IN_PROGRESS\"}"));
        on("POST /v2/ep/cancel/job-3", Answer.json(200, "{\"id\":\"job-3\",\"status\":\"CANCELLED\"}"));
        RunPodEndpoint endpoint = new RunPodEndpoint(URI.create(base() + "/v2/ep"), new Ask("validate", null), http("rp"),
                Duration.ofSeconds(30));
        endpoint.send(List.of("a"));
        assertThat(polled.await(30, TimeUnit.SECONDS)).isTrue();
        endpoint.close();
        assertThat(seen).contains("POST /v2/ep/cancel/job-3");
    }
}
