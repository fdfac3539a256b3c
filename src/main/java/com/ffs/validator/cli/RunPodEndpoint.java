package com.ffs.validator.cli;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A RunPod endpoint ({@code .../v2/<endpointId>}), or this service's own RunPod-style routes: each request is a job
 * sent with {@code POST /run} and polled with {@code GET /status/<id>} until it ends. A job that ends FAILED,
 * CANCELLED or TIMED_OUT fails its request (sent again a few times by the run); a job whose status is gone (404,
 * expired) is sent again. Polling failures are retried in place so that a job is not run twice for a passing fault.
 * On close, jobs still running are cancelled.
 */
final class RunPodEndpoint implements Backend {

    private static final Duration FIRST_POLL = Duration.ofMillis(200);
    private static final Duration MAX_POLL = Duration.ofSeconds(2);
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(3);

    private final HttpJson http;
    private final URI base;
    private final Ask ask;
    private final Duration pollGiveUp;
    private final String describe;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bulk-runpod-poll").daemon(true).factory());
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param pollGiveUp how long a job's status may stay unreadable before its request fails for a retry
     */
    RunPodEndpoint(URI base, Ask ask, HttpJson http, Duration pollGiveUp) {
        this.http = http;
        this.base = base;
        this.ask = ask;
        this.pollGiveUp = pollGiveUp;
        this.describe = http.describe();
    }

    static String describe(URI base) {
        return base + " (RunPod endpoint)";
    }

    @Override
    public CompletableFuture<List<ObjectNode>> send(List<String> images) {
        Map<String, Object> body = Map.of("input", ask.body(images));
        return http.post(URI.create(base + "/run"), body).thenCompose(reply -> {
            if (reply.status() / 100 != 2) {
                throw http.failure(reply, "POST /run");
            }
            String id = reply.body().path("id").asText("");
            if (id.isEmpty()) {
                throw BatchFailure.fatal(ExitCodes.UNAVAILABLE, describe + " answered /run without a job id");
            }
            running.add(id);
            if (closed) {
                // Accepted while close() was cancelling the others: cancel it too (best effort, as there).
                cancel(id);
            }
            CompletableFuture<List<ObjectNode>> result = new CompletableFuture<>();
            poll(id, FIRST_POLL, System.nanoTime(), result);
            // A job stopped by close() stays in running for close() to cancel, however the two interleave.
            return result.whenComplete((r, e) -> {
                if (!closed) {
                    running.remove(id);
                }
            });
        });
    }

    private void poll(String id, Duration delay, long failingSince, CompletableFuture<List<ObjectNode>> result) {
        if (closed) {
            result.completeExceptionally(BatchFailure.retry("stopped", null));
            return;
        }
        timers.schedule(() -> http.get(URI.create(base + "/status/" + id)).whenComplete((reply, e) -> {
            Duration next = Duration.ofMillis(Math.min(MAX_POLL.toMillis(), (long) (delay.toMillis() * 1.5)));
            if (e != null || reply.status() == 429 || reply.status() >= 500) {
                BatchFailure failure = e != null ? http.unreachable(e) : http.failure(reply, "GET /status");
                if (failure.kind() == BatchFailure.Kind.FATAL) {
                    result.completeExceptionally(failure);
                } else if (System.nanoTime() - failingSince > pollGiveUp.toNanos()) {
                    result.completeExceptionally(failure);
                } else {
                    poll(id, failure.retryAfter().orElse(next), failingSince, result);
                }
                return;
            }
            try {
                switch (status(id, reply)) {
                    case Done done -> result.complete(done.results);
                    case Pending p -> poll(id, next, System.nanoTime(), result);
                }
            } catch (BatchFailure failure) {
                result.completeExceptionally(failure);
            }
        }), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private sealed interface State permits Done, Pending {
    }

    private record Done(List<ObjectNode> results) implements State {
    }

    private record Pending() implements State {
    }

    private State status(String id, HttpJson.Reply reply) {
        if (reply.status() == 404) {
            throw BatchFailure.retry(describe + ": job " + id + " is gone (expired or unknown)", null);
        }
        if (reply.status() / 100 != 2) {
            throw http.failure(reply, "GET /status");
        }
        JsonNode body = reply.body();
        String status = body.path("status").asText("");
        return switch (status) {
            case "COMPLETED" -> new Done(NativeEndpoint.results(body.path("output"), describe));
            case "FAILED", "CANCELLED", "TIMED_OUT" -> throw BatchFailure.failed(describe + ": job " + id + " "
                    + status + (HttpJson.detail(body).isEmpty() ? "" : ": " + HttpJson.detail(body)));
            case "IN_QUEUE", "IN_PROGRESS", "RUNNING" -> new Pending();
            default -> throw BatchFailure.fatal(ExitCodes.UNAVAILABLE, describe + " answered an unknown job status '"
                    + status + "'");
        };
    }

    @Override
    public String describe() {
        return describe;
    }

    private CompletableFuture<HttpJson.Reply> cancel(String id) {
        return http.post(URI.create(base + "/cancel/" + id), Map.of());
    }

    /** Cancels jobs still running (they would run on, billed, for no one), then stops. */
    @Override
    public void close() {
        closed = true;
        List<CompletableFuture<HttpJson.Reply>> cancels = running.stream()
                .map(this::cancel).toList();
        try {
            CompletableFuture.allOf(cancels.toArray(CompletableFuture[]::new))
                    .get(CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Best effort: RunPod's own timeouts end them otherwise.
        }
        timers.shutdownNow();
        http.close();
    }
}
