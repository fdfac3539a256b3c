package com.ffs.validator.runpod;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The worker's HTTP calls to RunPod, with runpod-python's headers: the raw key as {@code Authorization}, and on
 * result posts its form content type, {@code charset} and {@code X-Request-ID}. Takes, posts and heartbeats each have
 * a client of their own, so that a long-poll or a slow post never holds up a heartbeat, and the take client can be
 * aborted on shutdown without touching the others. Thread-safe.
 */
final class RunPodClient implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DEFAULT_RATE_LIMIT_WAIT = Duration.ofSeconds(5);

    /** A job as RunPod hands it out: {@code id} and {@code input} (any JSON, maybe missing); other fields ignored. */
    record QueueJob(String id, JsonNode input) {
    }

    /** What a job-take call came back with. */
    sealed interface Take {
        /** One or more jobs; {@code rejected} describes entries without an id, which cannot be answered. */
        record Jobs(List<QueueJob> jobs, List<String> rejected) implements Take {
        }

        /** No job now: 204, 400 (FlashBoot), an empty or non-JSON 2xx, or the long-poll ran out. */
        record NoJob(String why) implements Take {
        }

        /** 429: wait before asking again. */
        record RateLimited(Duration delay) implements Take {
        }

        /** An error status or an I/O failure: back off. */
        record Failed(String why) implements Take {
        }
    }

    private final ObjectMapper mapper;
    private final String apiKey;
    private final String userAgent;
    private final Duration takeTimeout;
    private final HttpClient postClient = newClient();
    private final HttpClient pingClient = newClient();
    private volatile HttpClient takeClient = newClient();
    private volatile boolean takeAborted;

    RunPodClient(ObjectMapper mapper, String apiKey, String version, Duration takeTimeout) {
        this.mapper = mapper;
        this.apiKey = apiKey;
        this.userAgent = "ffs-validator/" + version + " (" + System.getProperty("os.name") + "; "
                + System.getProperty("os.arch") + ") Language/Java " + Runtime.version().feature();
        this.takeTimeout = takeTimeout;
    }

    /** One long-poll job take. Blocks up to the take timeout; {@link #abortTake()} ends it early. */
    Take take(URI uri) throws InterruptedException {
        HttpClient client = takeClient;
        HttpResponse<String> response;
        try {
            response = client.send(request(uri, takeTimeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return new Take.NoJob("no job within the take timeout");
        } catch (IOException e) {
            // A frozen-and-revived worker (FlashBoot) may hold dead keep-alive connections: start afresh.
            renewTakeClient(client);
            return new Take.Failed("job take failed: " + e);
        }
        int status = response.statusCode();
        if (status == 204 || status == 400) {
            return new Take.NoJob("HTTP " + status);
        }
        if (status == 429) {
            return new Take.RateLimited(retryAfter(response).orElse(DEFAULT_RATE_LIMIT_WAIT));
        }
        if (status < 200 || status > 299) {
            return new Take.Failed("job take answered HTTP " + status + ": " + abbreviate(response.body()));
        }
        return parseJobs(response.body());
    }

    /** Parses a 2xx take body: one job object or an array of them. */
    Take parseJobs(String body) {
        if (body == null || body.isBlank()) {
            return new Take.NoJob("empty body");
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException e) {
            return new Take.Failed("job take answered with a body that is not JSON: " + abbreviate(body));
        }
        List<JsonNode> entries = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(entries::add);
        } else {
            entries.add(root);
        }
        List<QueueJob> jobs = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (JsonNode entry : entries) {
            JsonNode id = entry.get("id");
            if (!entry.isObject() || id == null || !id.isTextual() || id.asText().isBlank()) {
                rejected.add(abbreviate(entry.toString()));
            } else {
                jobs.add(new QueueJob(id.asText(), entry.get("input")));
            }
        }
        return jobs.isEmpty() && rejected.isEmpty() ? new Take.NoJob("empty job list") : new Take.Jobs(jobs, rejected);
    }

    /** Aborts a take in progress and any later one: used once, on shutdown. */
    void abortTake() {
        takeAborted = true;
        takeClient.shutdownNow();
    }

    /**
     * Posts one result body to the job-done URL.
     *
     * @return the HTTP status
     * @throws IOException when the post did not get an answer
     */
    int post(URI uri, String jobId, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = request(uri, POST_TIMEOUT)
                .setHeader("Content-Type", "application/x-www-form-urlencoded")
                .header("charset", "utf-8")
                .header("X-Request-ID", jobId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return postClient.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * One heartbeat GET.
     *
     * @return the HTTP status
     */
    int ping(URI uri, Duration timeout) throws IOException, InterruptedException {
        return pingClient.send(request(uri, timeout).GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private HttpRequest.Builder request(URI uri, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("User-Agent", userAgent)
                .header("Content-Type", "application/json");
        if (!apiKey.isEmpty()) {
            b.header("Authorization", apiKey);
        }
        return b;
    }

    private synchronized void renewTakeClient(HttpClient broken) {
        if (takeClient == broken && !takeAborted) {
            takeClient = newClient();
            broken.shutdownNow();
        }
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(1, Long.parseLong(v.trim()))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public void close() {
        takeClient.shutdownNow();
        postClient.shutdownNow();
        pingClient.shutdownNow();
    }
}
