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
 * a client of their own, so that a long-poll or a slow post never holds up a heartbeat, and the long-polls (take and
 * stop channel) can be aborted on shutdown without touching the posts still in progress. Thread-safe.
 */
final class RunPodClient implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration POST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DEFAULT_RATE_LIMIT_WAIT = Duration.ofSeconds(5);

    /** A job as RunPod hands it out: {@code id} and {@code input} (any JSON, maybe missing); other fields ignored. */
    record QueueJob(String id, JsonNode input) {
    }

    /** What a job-take call came back with. */
    sealed interface Take {
        /** One or more jobs; {@code rejected} describes entries without an id, which cannot be answered. */
        record Jobs(List<QueueJob> jobs, List<String> rejected) implements Take {
        }

        /**
         * No job now: 204, 400 (FlashBoot), a 2xx without a usable job (empty, {@code {}}, {@code null}, entries
         * without an id), or the long-poll ran out.
         */
        record NoJob(String why) implements Take {
        }

        /** 429: wait before asking again. */
        record RateLimited(Duration delay) implements Take {
        }

        /** An error status or an I/O failure: back off. */
        record Failed(String why) implements Take {
        }
    }

    /** What a stop-channel poll came back with. */
    sealed interface StopPoll {
        /** Jobs RunPod asks this worker to stop (maybe none). */
        record Stop(List<String> jobIds) implements StopPoll {
        }

        /** 404: RunPod does not offer the stop channel here. */
        record NotOffered() implements StopPoll {
        }

        /** 429: wait before asking again. */
        record RateLimited(Duration delay) implements StopPoll {
        }

        /** An error status or an I/O failure: back off. */
        record Failed(String why) implements StopPoll {
        }
    }

    private final ObjectMapper mapper;
    private final String apiKey;
    private final String userAgent;
    private final Duration takeTimeout;
    private final HttpClient postClient = newClient();
    private final HttpClient pingClient = newClient();
    private volatile HttpClient takeClient = newClient();
    private volatile HttpClient stopClient = newClient();
    private volatile boolean pollsAborted;
    /** The take in progress, if any. Guarded by this. */
    private OpenTake openTake;

    /** A take in progress: whether its answer (status and headers) has begun to arrive. Guarded by the client. */
    private static final class OpenTake {
        private boolean answering;
    }

    /** @param productVersion this service's version, for {@code User-Agent: ffs-validator/<version> (...)} */
    RunPodClient(ObjectMapper mapper, String apiKey, String productVersion, Duration takeTimeout) {
        this.mapper = mapper;
        this.apiKey = apiKey;
        this.userAgent = "ffs-validator/" + productVersion + " (" + System.getProperty("os.name") + "; "
                + System.getProperty("os.arch") + ") Language/Java " + Runtime.version().feature();
        this.takeTimeout = takeTimeout;
    }

    /**
     * One long-poll job take. Blocks up to the take timeout; {@link #abortPolls()} ends it early, unless its answer has
     * begun to arrive: then RunPod has handed its jobs to this worker, and the take is let finish.
     */
    Take take(URI uri) throws InterruptedException {
        HttpClient client;
        OpenTake open = new OpenTake();
        synchronized (this) {
            if (pollsAborted) {
                return new Take.Failed("job take not sent: the worker is stopping");
            }
            client = takeClient;
            openTake = open;
        }
        HttpResponse<String> response;
        try {
            response = client.send(request(uri, takeTimeout).GET().build(), info -> {
                synchronized (RunPodClient.this) {
                    open.answering = true;
                }
                return HttpResponse.BodyHandlers.ofString().apply(info);
            });
        } catch (HttpTimeoutException e) {
            return new Take.NoJob("no job within the take timeout");
        } catch (IOException e) {
            // A frozen-and-revived worker (FlashBoot) may hold dead keep-alive connections: start afresh.
            renewTake(client);
            return new Take.Failed("job take failed: " + e);
        } finally {
            synchronized (this) {
                openTake = null;
                if (pollsAborted) {
                    client.shutdownNow();
                }
            }
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

    /**
     * Parses a 2xx take body: one job object or an array of them. Entries that are empty ({@code {}}, {@code null})
     * are no job; entries with content but no usable id are rejected (they cannot be run or answered).
     */
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
            if (entry.isNull() || entry.isMissingNode() || (entry.isObject() && entry.isEmpty())) {
                continue;
            }
            if (!entry.isObject() || id == null || !id.isTextual() || id.asText().isBlank()) {
                rejected.add(abbreviate(entry.toString()));
            } else {
                jobs.add(new QueueJob(id.asText(), entry.get("input")));
            }
        }
        if (jobs.isEmpty() && rejected.isEmpty()) {
            return new Take.NoJob("no job in the answer: " + abbreviate(body));
        }
        return new Take.Jobs(jobs, rejected);
    }

    /**
     * One long-poll of RunPod's stop channel, as runpod-python reads it: 204 nothing to stop, 200 with
     * {@code {"jobsToStop": [...]}} (entries that are not strings are dropped), 404 not offered. {@link #abortPolls()}
     * ends it early.
     */
    StopPoll stopSignals(URI uri) throws InterruptedException {
        HttpClient client = stopClient;
        HttpResponse<String> response;
        try {
            response = client.send(request(uri, takeTimeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return new StopPoll.Stop(List.of());
        } catch (IOException e) {
            renewStop(client);
            return new StopPoll.Failed("stop poll failed: " + e);
        }
        int status = response.statusCode();
        if (status == 204) {
            return new StopPoll.Stop(List.of());
        }
        if (status == 404) {
            return new StopPoll.NotOffered();
        }
        if (status == 429) {
            return new StopPoll.RateLimited(retryAfter(response).orElse(DEFAULT_RATE_LIMIT_WAIT));
        }
        if (status < 200 || status > 299) {
            return new StopPoll.Failed("stop poll answered HTTP " + status + ": " + abbreviate(response.body()));
        }
        JsonNode root;
        try {
            root = response.body() == null || response.body().isBlank() ? null : mapper.readTree(response.body());
        } catch (IOException e) {
            return new StopPoll.Failed("stop poll answered with a body that is not JSON: "
                    + abbreviate(response.body()));
        }
        List<String> ids = new ArrayList<>();
        JsonNode list = root == null ? null : root.get("jobsToStop");
        if (list != null && list.isArray()) {
            list.forEach(id -> {
                if (id.isTextual()) {
                    ids.add(id.asText());
                }
            });
        }
        return new StopPoll.Stop(List.copyOf(ids));
    }

    /** Whether a take is in progress whose answer has begun to arrive. */
    synchronized boolean takeAnswerArriving() {
        return openTake != null && openTake.answering;
    }

    /** Whether {@link #abortPolls()} has run. */
    boolean pollsAborted() {
        return pollsAborted;
    }

    /** Aborts the long-polls in progress (take, stop channel) and any later ones: used once, on shutdown. */
    synchronized void abortPolls() {
        pollsAborted = true;
        stopClient.shutdownNow();
        // A take whose answer is arriving holds jobs RunPod has handed out: aborting it would lose them. It ends by
        // itself, shortly, and shuts its client then.
        if (openTake == null || !openTake.answering) {
            takeClient.shutdownNow();
        }
    }

    /**
     * Posts one result body to the job-done URL.
     *
     * @return the HTTP status
     * @throws IOException when the post did not get an answer
     */
    int post(URI uri, String jobId, byte[] body) throws IOException, InterruptedException {
        return post(uri, jobId, body, POST_TIMEOUT);
    }

    /** As {@link #post(URI, String, byte[])}, waiting at most {@code timeout} for the answer. */
    int post(URI uri, String jobId, byte[] body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = request(uri, timeout)
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

    /** A fresh take client in place of a broken one, unless the polls were aborted. */
    private synchronized void renewTake(HttpClient broken) {
        if (takeClient == broken && !pollsAborted) {
            takeClient = newClient();
            broken.shutdownNow();
        }
    }

    /** A fresh stop-channel client in place of a broken one, unless the polls were aborted. */
    private synchronized void renewStop(HttpClient broken) {
        if (stopClient == broken && !pollsAborted) {
            stopClient = newClient();
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
        stopClient.shutdownNow();
        postClient.shutdownNow();
        pingClient.shutdownNow();
    }
}
