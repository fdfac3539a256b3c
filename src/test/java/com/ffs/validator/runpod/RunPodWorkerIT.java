package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.ffs.validator.testing.ImageServer;

/**
 * The packaged jar in the runpod profile, as RunPod starts it: a queue worker against the fake queue that takes, runs
 * and posts jobs and drains on SIGTERM, and answers every taken job once through answers without a job, a stop
 * signal, a deadline and SIGTERM during retried posts; a load-balancing worker; the one-shot test input and its exit
 * codes. Demo models stand in for the real ones.
 */
class RunPodWorkerIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private ImageServer images;
    private FakeRunPodQueue queue;
    private Process process;

    @BeforeEach
    void start() throws IOException {
        images = new ImageServer();
    }

    @AfterEach
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        if (queue != null) {
            queue.close();
        }
        images.close();
    }

    private Process launch(Map<String, String> env, Path workingDir, String... properties) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.profile=runpod",
                "-Dvalidator.models.demo=true",
                "-Dvalidator.inference.device=cpu",
                "-Dvalidator.fetch.allow-private=true",
                // The management interface (health, metrics) on a free port, so parallel runs do not collide.
                "-Dquarkus.management.port=0"));
        command.addAll(List.of(properties));
        command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile())
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectError(dir.resolve("stderr.log").toFile());
        // Only what RunPod would set: nothing of this machine's own RunPod-like variables leaks in.
        builder.environment().keySet().removeIf(k -> k.startsWith("RUNPOD_") || k.startsWith("PORT")
                || k.equals("HEALTH_CHECK_PATH") || k.startsWith("QUARKUS_") || k.startsWith("VALIDATOR_"));
        builder.environment().putAll(env);
        process = builder.start();
        return process;
    }

    private List<String> stdout() throws IOException {
        return Files.readAllLines(dir.resolve("stdout.log"));
    }

    private String output() {
        try {
            return String.join("\n", stdout()) + "\n--- stderr ---\n" + Files.readString(dir.resolve("stderr.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int exitCode(Duration timeout) throws Exception {
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("process ended; output:\n%s",
                output()).isTrue();
        return process.exitValue();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldTakeRunAndPostJobsThenDrainOnSigterm() throws Exception {
        queue = new FakeRunPodQueue("it-key");
        Map<String, String> env = new HashMap<>(queue.environment("it-worker", 300));
        env.put("PORT", Integer.toString(freePort()));
        launch(env, dir);

        String quick = "quick-1-u1";
        queue.enqueue(quick, Map.of("action", "validate",
                "images", List.of(images.image("formats/red.png"), images.image("formats/green.jpg"))));
        JsonNode first = FakeRunPodQueue.parse(queue.awaitResult(quick, START).body());
        assertThat(first.at("/output/results")).hasSize(2);
        assertThat(first.at("/output/results/0/nsfw/is_nsfw").asBoolean()).isTrue();

        String slow = "slow-2-u1";
        queue.enqueue(slow, Map.of("action", "nsfw", "images", List.of(images.slowImage(4000, "formats/red.png"))));
        queue.awaitTaken(slow, Duration.ofSeconds(30));
        queue.awaitPing(p -> p.query().getOrDefault("job_id", "").contains(slow), Duration.ofSeconds(10),
                "a heartbeat naming the slow job");

        process.destroy();
        assertThat(exitCode(Duration.ofSeconds(60))).as("exit code after SIGTERM; output:\n%s", output()).isZero();

        JsonNode drained = FakeRunPodQueue.parse(queue.accepted(slow)
                .orElseThrow(() -> new AssertionError("the job in flight was not posted before exit:\n" + output()))
                .body());
        assertThat(drained.at("/output/results/0/nsfw/is_nsfw").asBoolean()).isTrue();
        assertThat(queue.unauthorized()).isEmpty();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : stdout()) {
            assertThat(line).as("every stdout line is one JSON object").startsWith("{");
            lines.add(FakeRunPodQueue.parse(line));
        }
        assertThat(lines).allSatisfy(l -> assertThat(l.has("level") && l.has("message") && l.has("requestId"))
                .isTrue());
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.get("requestId").asText()).isEqualTo(slow);
            assertThat(l.get("message").asText()).startsWith("Job done");
        });
        assertThat(lines).anySatisfy(l -> assertThat(l.get("message").asText()).startsWith("Drained"));
    }

    @Test
    void shouldAnswerEveryTakenJobOnceThroughEmptyTakesAStopADeadlineAndSigtermDuringRetriedPosts()
            throws Exception {
        queue = new FakeRunPodQueue("it-key");
        queue.hold(Duration.ofMillis(500));
        queue.answerNextTakesWith("{}", "null", "[{}]");
        Map<String, String> env = new HashMap<>(queue.environment("it-worker", 300));
        env.put("PORT", Integer.toString(freePort()));
        launch(env, dir, "-Dvalidator.runpod.concurrency=2", "-Dvalidator.runpod.job-timeout=10s",
                "-Dvalidator.runpod.backoff-initial=500ms", "-Dvalidator.runpod.backoff-max=1s",
                "-Dvalidator.runpod.drain-timeout=20s");

        // Answers without a usable job come first; then a plain job.
        queue.enqueue("plain-1", Map.of("action", "nsfw", "images", List.of(images.image("formats/red.png"))));
        assertThat(FakeRunPodQueue.parse(queue.awaitResult("plain-1", START).body()).has("output"))
                .as(output()).isTrue();
        assertThat(queue.takes().subList(0, 3)).extracting(FakeRunPodQueue.Call::body)
                .containsExactly("{}", "null", "[{}]");

        // Two jobs whose downloads are held: RunPod stops one, the other runs past its deadline (long enough that the
        // stop arrives first on a loaded machine).
        images.hold();
        queue.enqueue("stopped-2", Map.of("action", "nsfw", "images",
                List.of(images.heldImage("formats/red.png"))));
        queue.awaitTaken("stopped-2", Duration.ofSeconds(30));
        // A stop signal is heard for a job the worker holds: one that a heartbeat names.
        queue.awaitPing(p -> p.query().getOrDefault("job_id", "").contains("stopped-2"), Duration.ofSeconds(10),
                "a heartbeat naming stopped-2");
        queue.stopJob("stopped-2");
        queue.enqueue("late-3", Map.of("action", "nsfw", "images", List.of(images.heldImage("formats/red.png"))));
        JsonNode late = FakeRunPodQueue.parse(queue.awaitResult("late-3", Duration.ofSeconds(30)).body());
        assertThat(FakeRunPodQueue.parse(late.get("error").asText()).get("error_type").asText())
                .isEqualTo("TimeoutError");
        images.release();

        // A result whose post is refused twice; SIGTERM arrives while it waits to retry.
        queue.answerNextPosts(503, 503);
        queue.enqueue("retried-4", Map.of("action", "nsfw", "images", List.of(images.image("formats/red.png"))));
        awaitPost("retried-4");
        process.destroy();
        assertThat(exitCode(Duration.ofSeconds(60))).as("exit code after SIGTERM; output:\n%s", output()).isZero();

        assertThat(queue.posts("retried-4")).extracting(FakeRunPodQueue.Call::status).containsExactly(503, 503, 200);
        assertThat(queue.posts("stopped-2")).as("nothing is posted for a stopped job").isEmpty();
        for (String id : takenIds()) {
            if (!id.equals("stopped-2")) {
                assertThat(queue.posts(id).stream().filter(c -> c.status() == 200)).as("answers to %s", id)
                        .hasSize(1);
            }
        }
        assertThat(takenIds()).containsExactlyInAnyOrder("plain-1", "stopped-2", "late-3", "retried-4");
        assertThat(queue.unauthorized()).isEmpty();
    }

    /** Ids of the jobs the fake handed out. */
    private List<String> takenIds() {
        List<String> ids = new ArrayList<>();
        for (FakeRunPodQueue.Call take : queue.takes()) {
            if (take.status() == 200 && take.body() != null) {
                JsonNode body = FakeRunPodQueue.parse(take.body());
                for (JsonNode job : body.isArray() ? body : List.of(body)) {
                    if (job != null && job.hasNonNull("id")) {
                        ids.add(job.get("id").asText());
                    }
                }
            }
        }
        return ids;
    }

    private void awaitPost(String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (queue.posts(jobId).isEmpty()) {
            assertThat(System.nanoTime()).as("a post for %s; output:%n%s", jobId, output()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void shouldServeALoadBalancerAndTheRequestScript() throws Exception {
        int port = freePort();
        int healthPort = freePort();
        launch(Map.of("PORT", Integer.toString(port), "PORT_HEALTH", Integer.toString(healthPort)), dir);

        HttpClient http = HttpClient.newHttpClient();
        List<Integer> seen = new ArrayList<>();
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline && (seen.isEmpty() || seen.getLast() != 200)) {
            try {
                seen.add(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/ping"))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            } catch (IOException notListeningYet) {
                Thread.sleep(50);
            }
        }
        assertThat(seen).as("health answers while starting; output:\n%s", output()).isNotEmpty().last().isEqualTo(200);
        assertThat(seen).containsOnly(204, 200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);

        // Behind the load balancer jobs live in one worker's memory: /run is refused, /runsync answers at once.
        HttpResponse<String> run = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/run"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\": {\"images\": [\"https://x/a.png\"]}}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(run.statusCode()).isEqualTo(400);
        assertThat(run.body()).contains("/runsync", "/v1/validate");
        ProcessBuilder script = new ProcessBuilder("bash", "scripts/runpod-request.sh",
                images.image("formats/red.png"), images.image("formats/green.jpg"))
                .redirectErrorStream(true);
        script.environment().put("RUNPOD_BASE_URL", "http://127.0.0.1:" + port + "/v2/local");
        script.environment().put("RUNPOD_API_KEY", "unused-locally");
        script.environment().put("POLL_INTERVAL", "0.2");
        Process client = script.start();
        String printed = new String(client.getInputStream().readAllBytes());
        assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(client.exitValue()).as(printed).isZero();
        assertThat(printed).contains("COMPLETED", "\"is_nsfw\"", "\"is_fashion\"");

        process.destroy();
        assertThat(exitCode(Duration.ofSeconds(60))).isZero();
    }

    @Test
    void shouldRunTestInputOnceAndExitZero() throws Exception {
        Files.writeString(dir.resolve("test_input.json"), FakeRunPodQueue.json(Map.of("input",
                Map.of("action", "validate", "images", List.of(images.image("formats/green.png"))))));
        // No queue and no PORT: the local mode. QUARKUS_HTTP_PORT still wins over PORT's default of 8080.
        launch(Map.of("QUARKUS_HTTP_PORT", Integer.toString(freePort())), dir);
        assertThat(exitCode(START)).as(output()).isZero();
        JsonNode result = stdout().stream().filter(l -> l.startsWith("{\"output\"")).map(FakeRunPodQueue::parse)
                .findFirst().orElseThrow(() -> new AssertionError("no result line:\n" + output()));
        assertThat(result.at("/output/results/0/fashion/is_fashion").asBoolean()).isTrue();
    }

    @Test
    void shouldExitOneWhenTheTestInputFails() throws Exception {
        Path job = dir.resolve("bad-job.json");
        Files.writeString(job, "{\"input\": {\"action\": \"nude\", \"images\": [\"https://example.com/a.jpg\"]}}");
        launch(Map.of("RUNPOD_TEST_INPUT", job.toString(), "QUARKUS_HTTP_PORT", Integer.toString(freePort())), dir);
        assertThat(exitCode(START)).as(output()).isEqualTo(1);
        JsonNode result = stdout().stream().filter(l -> l.startsWith("{\"error\"")).map(FakeRunPodQueue::parse)
                .findFirst().orElseThrow(() -> new AssertionError("no error line:\n" + output()));
        assertThat(result.get("error").asText()).contains("unknown action 'nude'");
    }
}
