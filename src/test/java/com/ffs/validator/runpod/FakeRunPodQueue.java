package com.ffs.validator.runpod;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An in-process RunPod queue that speaks the worker protocol as runpod-python's peers do:
 * {@code GET /v2/{endpoint}/job-take/{worker}} (long-poll: one job, or 204 when none came within the hold time),
 * {@code GET /v2/{endpoint}/job-take-batch/{worker}?batch_size=n} (a JSON array), {@code POST
 * /v2/{endpoint}/job-done/{worker}/{job}}, {@code GET /v2/{endpoint}/ping/{worker}} and the stop channel
 * {@code GET /v2/{endpoint}/job-stop/{worker}} (long-poll: {@code {"jobsToStop": [...]}}, or 204; 404 when the fake
 * is told not to offer it). Every call is recorded with its query, headers and body; calls without the expected
 * {@code Authorization} get 401. Scripted answers (204, 400, 429, 5xx, or a 200 with a given body) can be queued for
 * the next takes and posts. A job whose take answer cannot be delivered (the worker hung up) goes back to the head of
 * the queue.
 */
final class FakeRunPodQueue implements AutoCloseable {

    static final String ENDPOINT = "ep";
    static final String GPU = "NVIDIA RTX A5000";

    /**
     * One recorded request: for a job-done post its body, for a take the answer it got; {@code nanos} is when it
     * arrived, {@code status} what it was answered.
     */
    record Call(String method, String path, Map<String, String> query, Map<String, List<String>> headers, String body,
            long nanos, int status) {

        Call answered(String answer, int answerStatus) {
            return new Call(method, path, query, headers, answer, nanos, answerStatus);
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }

        /** The last path segment (the job id of a job-done post), decoded. */
        String lastSegment() {
            return URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final String apiKey;
    private final LinkedBlockingDeque<String> jobs = new LinkedBlockingDeque<>();
    private final Deque<Object> takeAnswers = new ConcurrentLinkedDeque<>();
    private final LinkedBlockingDeque<String> stopSignals = new LinkedBlockingDeque<>();
    private final List<Call> stopPolls = new CopyOnWriteArrayList<>();
    private final AtomicInteger openTakes = new AtomicInteger();
    private volatile boolean stopOffered = true;
    private final Deque<Integer> doneAnswers = new ConcurrentLinkedDeque<>();
    private final List<Call> takes = new CopyOnWriteArrayList<>();
    private final List<Call> dones = new CopyOnWriteArrayList<>();
    private final List<Call> pings = new CopyOnWriteArrayList<>();
    private final List<Call> unauthorized = new CopyOnWriteArrayList<>();
    private volatile Duration hold = Duration.ofMillis(500);
    /** When set, the next take that hands out jobs sends its headers, then waits for the second latch. */
    private volatile CountDownLatch[] splitAnswer;

    FakeRunPodQueue(String apiKey) throws IOException {
        this.apiKey = apiKey;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v2/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Production-shaped templates: the take URL already carries a query string, the done URL names the GPU. */
    Map<String, String> environment(String workerId, long pingIntervalMillis) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RUNPOD_WEBHOOK_GET_JOB", baseUrl() + "/v2/" + ENDPOINT
                + "/job-take/$RUNPOD_POD_ID?gpu=NVIDIA+RTX+A5000");
        env.put("RUNPOD_WEBHOOK_POST_OUTPUT", baseUrl() + "/v2/" + ENDPOINT
                + "/job-done/$RUNPOD_POD_ID/$ID?gpu=$RUNPOD_GPU_TYPE_ID");
        env.put("RUNPOD_WEBHOOK_PING", baseUrl() + "/v2/" + ENDPOINT + "/ping/$RUNPOD_POD_ID");
        env.put("RUNPOD_PING_INTERVAL", Long.toString(pingIntervalMillis));
        env.put("RUNPOD_AI_API_KEY", apiKey);
        env.put("RUNPOD_POD_ID", workerId);
        env.put("RUNPOD_POD_HOSTNAME", workerId + "-host");
        env.put("RUNPOD_GPU_TYPE_ID", GPU);
        return env;
    }

    /** How long an empty long-poll is held before 204 (zero answers at once). */
    void hold(Duration duration) {
        hold = duration;
    }

    void enqueue(String id, Object input) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("id", id);
        if (input != null) {
            job.put("input", input);
        }
        enqueueRaw(json(job));
    }

    /** Queues a job body exactly as given (e.g. one without an id). */
    void enqueueRaw(String jobJson) {
        synchronized (jobs) {
            jobs.add(jobJson);
        }
    }

    /** Queues several jobs at once, so that one batch take can hand out all of them. */
    void enqueueAll(Map<String, Object> inputsById) {
        synchronized (jobs) {
            inputsById.forEach(this::enqueue);
        }
    }

    /** The next takes answer with these statuses (429 with Retry-After: 1) before jobs are served again. */
    void answerNextTakes(Integer... statuses) {
        takeAnswers.addAll(List.of(statuses));
    }

    /** The next takes answer 200 with these JSON bodies at once (e.g. {@code {}}), before jobs are served again. */
    void answerNextTakesWith(String... bodies) {
        takeAnswers.addAll(List.of(bodies));
    }

    /**
     * The next take that hands out jobs answers in two parts: its status and headers, then {@code headersSent} opens;
     * its body once {@code sendBody} opens. The jobs are handed out when the headers are sent.
     */
    void splitNextJobAnswer(CountDownLatch headersSent, CountDownLatch sendBody) {
        splitAnswer = new CountDownLatch[] { headersSent, sendBody };
    }

    /** Asks the worker to stop {@code jobId} through the stop channel, as RunPod does when a job is cancelled. */
    void stopJob(String jobId) {
        stopSignals.add(jobId);
    }

    /** Whether the stop channel is served (true) or answered 404, as where RunPod does not offer it. */
    void offerStopChannel(boolean offered) {
        stopOffered = offered;
    }

    List<Call> stopPolls() {
        return List.copyOf(stopPolls);
    }

    /** Waits until no take long-poll is held open by the fake (an aborted one is answered after its hold). */
    void awaitNoOpenTake(Duration timeout) {
        awaitCall(() -> openTakes.get() == 0 ? Optional.of(new Call("", "", Map.of(), Map.of(), null, 0, 0))
                : Optional.empty(), timeout, "open takes to be answered");
    }

    /** Waits until every scripted take answer has been given. */
    void awaitScriptedTakesUsed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!takeAnswers.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("scripted take answers left unused: " + takeAnswers);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The next job-done posts answer with these statuses. */
    void answerNextPosts(Integer... statuses) {
        doneAnswers.addAll(List.of(statuses));
    }

    List<Call> takes() {
        return List.copyOf(takes);
    }

    List<Call> pings() {
        return List.copyOf(pings);
    }

    List<Call> unauthorized() {
        return List.copyOf(unauthorized);
    }

    /** Every post for one job, in order. */
    List<Call> posts(String jobId) {
        return dones.stream().filter(c -> c.lastSegment().equals(jobId)).toList();
    }

    int queued() {
        return jobs.size();
    }

    /** Waits for the first post for {@code jobId} that the fake answered 2xx (the accepted result). */
    Call awaitResult(String jobId, Duration timeout) {
        return awaitCall(() -> accepted(jobId), timeout, "a result for job " + jobId);
    }

    Optional<Call> accepted(String jobId) {
        return posts(jobId).stream().filter(c -> c.status() >= 200 && c.status() <= 299).findFirst();
    }

    /** Waits for a ping matching {@code condition}. */
    Call awaitPing(Predicate<Call> condition, Duration timeout, String what) {
        return awaitCall(() -> pings.stream().filter(condition).findFirst(), timeout, what);
    }

    /** Waits until a take has handed out {@code jobId}. */
    void awaitTaken(String jobId, Duration timeout) {
        awaitCall(() -> takes.stream().filter(c -> c.body() != null && c.body().contains("\"" + jobId + "\""))
                .findFirst(), timeout, "job " + jobId + " to be taken");
    }

    private static Call awaitCall(Supplier<Optional<Call>> probe, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Call> call = probe.get();
            if (call.isPresent()) {
                return call.get();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Call call = new Call(exchange.getRequestMethod(), path, query, Map.copyOf(exchange.getRequestHeaders()),
                    body.isEmpty() ? null : body, System.nanoTime(), 0);
            if (!apiKey.equals(call.header("Authorization"))) {
                unauthorized.add(call.answered(call.body(), 401));
                send(exchange, 401, "text/plain", "bad key");
                return;
            }
            String[] parts = path.split("/");
            // ["", "v2", endpoint, operation, worker, (job)]
            String operation = parts.length > 3 ? parts[3] : "";
            switch (operation) {
                case "job-take" -> take(exchange, call, 1);
                case "job-take-batch" -> take(exchange, call, Integer.parseInt(query.getOrDefault("batch_size", "1")));
                case "job-done" -> done(exchange, call);
                case "job-stop" -> stop(exchange, call);
                case "ping" -> {
                    pings.add(call.answered(null, 200));
                    send(exchange, 200, "text/plain", "pong");
                }
                default -> send(exchange, 404, "text/plain", "unknown route " + path);
            }
        }
    }

    private void take(HttpExchange exchange, Call call, int batchSize) throws IOException {
        openTakes.incrementAndGet();
        try {
            serveTake(exchange, call, batchSize);
        } finally {
            openTakes.decrementAndGet();
        }
    }

    private void serveTake(HttpExchange exchange, Call call, int batchSize) throws IOException {
        Object answer0 = takeAnswers.poll();
        if (answer0 instanceof String body) {
            takes.add(call.answered(body, 200));
            send(exchange, 200, "application/json", body);
            return;
        }
        Integer scripted = (Integer) answer0;
        if (scripted != null) {
            takes.add(call.answered(null, scripted));
            if (scripted == 429) {
                exchange.getResponseHeaders().set("Retry-After", "1");
            }
            send(exchange, scripted, "text/plain", scripted == 204 ? "" : "scripted " + scripted);
            return;
        }
        List<String> handed = new ArrayList<>();
        try {
            String first = jobs.poll(hold.toMillis(), TimeUnit.MILLISECONDS);
            if (first != null) {
                handed.add(first);
                synchronized (jobs) {
                    while (handed.size() < batchSize) {
                        String next = jobs.poll();
                        if (next == null) {
                            break;
                        }
                        handed.add(next);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (handed.isEmpty()) {
            takes.add(call.answered(null, 204));
            send(exchange, 204, "text/plain", "");
            return;
        }
        boolean batch = call.path().contains("/job-take-batch/");
        String answer = batch ? "[" + String.join(",", handed) + "]" : handed.getFirst();
        takes.add(call.answered(answer, 200));
        CountDownLatch[] split = splitAnswer;
        splitAnswer = null;
        if (split != null) {
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().flush();
            split[0].countDown();
            try {
                split[1].await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
            return;
        }
        try {
            send(exchange, 200, "application/json", answer);
        } catch (IOException e) {
            // The write failed, so the worker hung up (an aborted long-poll): the jobs were never handed out.
            for (int i = handed.size() - 1; i >= 0; i--) {
                jobs.addFirst(handed.get(i));
            }
            throw e;
        }
    }

    private void stop(HttpExchange exchange, Call call) throws IOException {
        if (!stopOffered) {
            stopPolls.add(call.answered(null, 404));
            send(exchange, 404, "text/plain", "not found");
            return;
        }
        List<String> ids = new ArrayList<>();
        try {
            String first = stopSignals.poll(hold.toMillis(), TimeUnit.MILLISECONDS);
            if (first != null) {
                ids.add(first);
                stopSignals.drainTo(ids);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ids.isEmpty()) {
            stopPolls.add(call.answered(null, 204));
            send(exchange, 204, "text/plain", "");
            return;
        }
        String answer = json(Map.of("jobsToStop", ids));
        stopPolls.add(call.answered(answer, 200));
        try {
            send(exchange, 200, "application/json", answer);
        } catch (IOException e) {
            for (int i = ids.size() - 1; i >= 0; i--) {
                stopSignals.addFirst(ids.get(i));
            }
            throw e;
        }
    }

    private void done(HttpExchange exchange, Call call) throws IOException {
        Integer scripted = doneAnswers.poll();
        int status = scripted == null ? 200 : scripted;
        dones.add(call.answered(call.body(), status));
        send(exchange, status, "text/plain", "status " + status);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, status == 204 || bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0 && status != 204) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
