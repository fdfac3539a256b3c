package com.ffs.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A bulk run against a scripted backend: lines, resume, retries, stopping, giving up. */
class BulkRunTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    /** A backend that answers each image with {@code answer} and records every image it is sent. */
    static final class FakeBackend implements Backend {
        final List<List<String>> requests = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();
        final List<Long> sendNanos = new CopyOnWriteArrayList<>();
        volatile Function<List<String>, CompletableFuture<List<ObjectNode>>> script;

        FakeBackend(Function<List<String>, CompletableFuture<List<ObjectNode>>> script) {
            this.script = script;
        }

        @Override
        public CompletableFuture<List<ObjectNode>> send(List<String> images) {
            requests.add(images);
            sendNanos.add(System.nanoTime());
            images.forEach(i -> sent.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet());
            return script.apply(images);
        }

        int timesSent(String image) {
            AtomicInteger n = sent.get(image);
            return n == null ? 0 : n.get();
        }

        @Override
        public String describe() {
            return "the fake";
        }

        @Override
        public void close() {
        }
    }

    static ObjectNode ok(String url) {
        ObjectNode r = MAPPER.createObjectNode();
        r.put("url", url);
        r.putObject("nsfw").put("is_nsfw", false).put("score", 0.25);
        r.putArray("embedding").add(0.1f).add(-0.2f);
        return r;
    }

    static ObjectNode error(String url, String code, String message) {
        ObjectNode r = MAPPER.createObjectNode();
        r.put("url", url);
        r.putObject("error").put("code", code).put("message", message);
        return r;
    }

    static Function<List<String>, CompletableFuture<List<ObjectNode>>> answering(Function<String, ObjectNode> each) {
        return images -> CompletableFuture.completedFuture(images.stream().map(each).toList());
    }

    record Outcome(int code, String err) {
    }

    private Outcome run(Path input, Path output, Backend backend, StopSignal stop, String... extra) throws CliFailure {
        List<String> args = new ArrayList<>(List.of("--input", input.toString(), "--output", output.toString(),
                "--progress", "lines"));
        args.addAll(List.of(extra));
        BulkOptions options = BulkOptions.parse(BulkOptions.COMMAND.parse(args), Map.of());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        BulkCommand command = new BulkCommand(options, MAPPER, null, new PrintStream(err, true, StandardCharsets.UTF_8),
                false, Duration.ofMillis(10), Duration.ofMillis(10));
        int code = command.execute(backend, stop, (s, p) -> {
        });
        return new Outcome(code, err.toString(StandardCharsets.UTF_8));
    }

    private Path urls(int n) throws Exception {
        Path input = dir.resolve("in.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            lines.add("https://img.test/" + i + ".jpg");
        }
        Files.write(input, lines);
        return input;
    }

    /** The output's lines by input line; fails on a line that is not complete JSON or a line number seen twice. */
    static Map<Long, JsonNode> lines(Path output) throws Exception {
        Map<Long, JsonNode> byLine = new HashMap<>();
        for (String line : Files.readAllLines(output)) {
            JsonNode node = MAPPER.readTree(line);
            assertThat(byLine.put(node.get("line").asLong(), node)).as("one line per input").isNull();
        }
        return byLine;
    }

    @Test
    void shouldWriteOneLinePerInputAndNotSendAnsweredInputsAgain() throws Exception {
        Path input = dir.resolve("in.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            lines.add(i % 10 == 0 ? "{\"url\": broken"
                    : "{\"url\": \"https://img.test/" + i + ".jpg\", \"id\": \"p" + i
                            + "\"}");
        }
        Files.write(input, lines);
        Path output = dir.resolve("out.jsonl");
        FakeBackend backend = new FakeBackend(answering(url -> url.endsWith("/7.jpg")
                ? error(url, "DECODE_FAILED", "truncated")
                : ok(url)));
        Outcome first = run(input, output, backend, new StopSignal(), "--batch", "4", "--concurrency", "3");
        assertThat(first.code()).as(first.err()).isEqualTo(ExitCodes.OK);
        Map<Long, JsonNode> out = lines(output);
        assertThat(out).hasSize(40);
        assertThat(out.get(1L).get("id").asText()).isEqualTo("p1");
        assertThat(out.get(1L).get("url").asText()).isEqualTo("https://img.test/1.jpg");
        assertThat(out.get(1L).get("nsfw").get("score").asDouble()).isEqualTo(0.25);
        assertThat(out.get(7L).get("error").get("code").asText()).isEqualTo("DECODE_FAILED");
        assertThat(out.get(10L).get("error").get("code").asText()).isEqualTo("MALFORMED_INPUT");
        assertThat(first.err()).contains("input line 10 skipped: not a JSON object");
        assertThat(backend.requests).allMatch(r -> r.size() <= 4);
        assertThat(backend.sent).hasSize(36).allSatisfy((url, n) -> assertThat(n.get()).isEqualTo(1));
        assertThat(first.err()).contains("40 inputs: 35 results, 5 errors (MALFORMED_INPUT 4, DECODE_FAILED 1)");

        String before = Files.readString(output);
        FakeBackend again = new FakeBackend(answering(BulkRunTest::ok));
        Outcome second = run(input, output, again, new StopSignal());
        assertThat(second.code()).isEqualTo(ExitCodes.OK);
        assertThat(again.requests).isEmpty();
        assertThat(Files.readString(output)).isEqualTo(before);
        assertThat(second.err()).contains("resuming: 40 input(s) already have a line");
    }

    @Test
    void shouldRetryTransientImageErrorsWithinTheRunThenWriteThem() throws Exception {
        Path input = urls(3);
        Path output = dir.resolve("out.jsonl");
        AtomicInteger secondTries = new AtomicInteger();
        FakeBackend backend = new FakeBackend(answering(url -> {
            if (url.endsWith("/2.jpg")) {
                return secondTries.incrementAndGet() < 2 ? error(url, "FETCH_TIMEOUT", "timed out") : ok(url);
            }
            if (url.endsWith("/3.jpg")) {
                return error(url, "FETCH_HTTP_STATUS", "HTTP 503 Service Unavailable");
            }
            return ok(url);
        }));
        Outcome outcome = run(input, output, backend, new StopSignal(), "--retries", "2");
        assertThat(outcome.code()).isEqualTo(ExitCodes.OK);
        assertThat(backend.timesSent("https://img.test/1.jpg")).isEqualTo(1);
        assertThat(backend.timesSent("https://img.test/2.jpg")).isEqualTo(2);
        assertThat(backend.timesSent("https://img.test/3.jpg")).isEqualTo(3);
        Map<Long, JsonNode> out = lines(output);
        assertThat(out.get(2L).has("nsfw")).isTrue();
        assertThat(out.get(3L).get("error").get("message").asText()).contains("503");

        // A later run retries the transient error, and the output still has one line per input.
        FakeBackend later = new FakeBackend(answering(BulkRunTest::ok));
        Outcome resumed = run(input, output, later, new StopSignal());
        assertThat(resumed.code()).isEqualTo(ExitCodes.OK);
        assertThat(later.sent).containsOnlyKeys("https://img.test/3.jpg");
        assertThat(lines(output)).hasSize(3).allSatisfy((line, node) -> assertThat(node.has("error")).isFalse());
    }

    @Test
    void shouldHonourRetryAfterWhenTheEndpointIsBusy() throws Exception {
        Path input = urls(2);
        Path output = dir.resolve("out.jsonl");
        AtomicInteger calls = new AtomicInteger();
        FakeBackend backend = new FakeBackend(images -> calls.incrementAndGet() <= 2
                ? CompletableFuture.failedFuture(BatchFailure.retry("the fake answered HTTP 503",
                        Duration.ofMillis(120)))
                : answering(BulkRunTest::ok).apply(images));
        Outcome outcome = run(input, output, backend, new StopSignal());
        assertThat(outcome.code()).isEqualTo(ExitCodes.OK);
        assertThat(backend.requests).hasSize(3);
        for (int i = 1; i < backend.sendNanos.size(); i++) {
            assertThat(backend.sendNanos.get(i) - backend.sendNanos.get(i - 1)).isGreaterThanOrEqualTo(
                    Duration.ofMillis(120).toNanos());
        }
        assertThat(outcome.err()).contains("the fake answered HTTP 503; sending again in");
        assertThat(lines(output)).hasSize(2);
    }

    @Test
    void shouldEndWithOneLineWhenTheKeyIsRefused() throws Exception {
        Path input = urls(20);
        Path output = dir.resolve("out.jsonl");
        FakeBackend backend = new FakeBackend(images -> CompletableFuture.failedFuture(BatchFailure.fatal(
                ExitCodes.REFUSED, "the fake refused the API key (HTTP 401)")));
        Outcome outcome = run(input, output, backend, new StopSignal(), "--batch", "2");
        assertThat(outcome.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(outcome.err().lines().filter(l -> l.contains("refused the API key"))).hasSize(1);
        assertThat(Files.readString(output)).isEmpty();
    }

    @Test
    void shouldGiveUpOnAnEndpointThatStaysUnreachable() throws Exception {
        Path input = urls(3);
        Path output = dir.resolve("out.jsonl");
        FakeBackend backend = new FakeBackend(images -> CompletableFuture.failedFuture(BatchFailure.retry(
                "the fake: cannot connect", Duration.ofMillis(20))));
        Outcome outcome = run(input, output, backend, new StopSignal(), "--give-up-after", "300ms");
        assertThat(outcome.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(outcome.err()).contains("the fake has failed every request for").contains("cannot connect");
        assertThat(Files.readString(output)).isEmpty();
    }

    @Test
    void shouldWriteRequestErrorsAfterFailedJobsAndRetryThemLater() throws Exception {
        Path input = urls(2);
        Path output = dir.resolve("out.jsonl");
        FakeBackend backend = new FakeBackend(images -> CompletableFuture.failedFuture(BatchFailure.failed(
                "the fake: job 1 FAILED")));
        Outcome outcome = run(input, output, backend, new StopSignal(), "--retries", "1");
        assertThat(outcome.code()).isEqualTo(ExitCodes.OK);
        assertThat(backend.requests).hasSize(2);
        assertThat(lines(output).get(1L).get("error").get("code").asText()).isEqualTo("REQUEST_FAILED");
        FakeBackend later = new FakeBackend(answering(BulkRunTest::ok));
        assertThat(run(input, output, later, new StopSignal()).code()).isEqualTo(ExitCodes.OK);
        assertThat(later.sent).hasSize(2);
        assertThat(lines(output)).hasSize(2).allSatisfy((line, node) -> assertThat(node.has("nsfw")).isTrue());
    }

    @Test
    void shouldWriteWhatIsInFlightWhenStoppedAndSendTheRestNextTime() throws Exception {
        Path input = urls(30);
        Path output = dir.resolve("out.jsonl");
        List<CompletableFuture<List<ObjectNode>>> held = new CopyOnWriteArrayList<>();
        List<List<String>> heldImages = new CopyOnWriteArrayList<>();
        CountDownLatch twoHeld = new CountDownLatch(2);
        AtomicInteger batches = new AtomicInteger();
        FakeBackend backend = new FakeBackend(images -> {
            if (batches.incrementAndGet() == 1) {
                return answering(BulkRunTest::ok).apply(images);
            }
            CompletableFuture<List<ObjectNode>> f = new CompletableFuture<>();
            held.add(f);
            heldImages.add(images);
            twoHeld.countDown();
            return f;
        });
        StopSignal stop = new StopSignal();
        CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(() -> {
            try {
                return run(input, output, backend, stop, "--batch", "5", "--concurrency", "2", "--drain-timeout",
                        "30s");
            } catch (CliFailure e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(twoHeld.await(30, TimeUnit.SECONDS)).isTrue();
        stop.stop(ExitCodes.INTERRUPTED, "stopped by SIGINT");
        // Both requests in flight answer during the drain: their lines are written.
        for (int i = 0; i < held.size(); i++) {
            held.get(i).complete(heldImages.get(i).stream().map(BulkRunTest::ok).toList());
        }
        Outcome outcome = running.get(60, TimeUnit.SECONDS);
        assertThat(outcome.code()).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(outcome.err()).contains("stopped by SIGINT").contains("run the same command again");
        Map<Long, JsonNode> written = lines(output);
        assertThat(written).hasSize(15);
        assertThat(backend.sent).hasSize(15);

        FakeBackend rest = new FakeBackend(answering(BulkRunTest::ok));
        Outcome resumed = run(input, output, rest, new StopSignal());
        assertThat(resumed.code()).isEqualTo(ExitCodes.OK);
        assertThat(Collections.disjoint(rest.sent.keySet(), backend.sent.keySet())).as("no input sent twice").isTrue();
        assertThat(rest.sent).hasSize(15);
        assertThat(lines(output)).hasSize(30);
    }

    @Test
    void shouldDropAnswersThatArriveAfterTheDrainTimeout() throws Exception {
        Path input = urls(4);
        Path output = dir.resolve("out.jsonl");
        CompletableFuture<List<ObjectNode>> never = new CompletableFuture<>();
        CountDownLatch sent = new CountDownLatch(1);
        FakeBackend backend = new FakeBackend(images -> {
            sent.countDown();
            return never;
        });
        StopSignal stop = new StopSignal();
        CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(() -> {
            try {
                return run(input, output, backend, stop, "--drain-timeout", "200ms");
            } catch (CliFailure e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(sent.await(30, TimeUnit.SECONDS)).isTrue();
        stop.stop(ExitCodes.TERMINATED, "stopped by SIGTERM");
        Outcome outcome = running.get(60, TimeUnit.SECONDS);
        assertThat(outcome.code()).isEqualTo(ExitCodes.TERMINATED);
        assertThat(outcome.err()).contains("still in flight after");
        never.complete(backend.requests.getFirst().stream().map(BulkRunTest::ok).toList());
        assertThat(Files.readString(output)).isEmpty();
    }

    @Test
    void shouldRefuseAnOutputWrittenForOtherInput() throws Exception {
        Path output = dir.resolve("out.jsonl");
        Files.writeString(output, "{\"line\":1,\"url\":\"https://elsewhere/1.jpg\",\"x\":1}\n");
        Path input = urls(1);
        FakeBackend backend = new FakeBackend(answering(BulkRunTest::ok));
        Outcome outcome = run(input, output, backend, new StopSignal());
        assertThat(outcome.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(outcome.err()).contains("holds results of other input");
        assertThat(backend.requests).isEmpty();
    }

    @Test
    void shouldKeepInlineImagesWithinTheRequestByteLimit() throws Exception {
        Path input = dir.resolve("inline.txt");
        String data = "data:image/png;base64," + "A".repeat(600);
        Files.write(input, List.of(data, data, data));
        Path output = dir.resolve("out.jsonl");
        FakeBackend backend = new FakeBackend(answering(BulkRunTest::ok));
        Outcome outcome = run(input, output, backend, new StopSignal(), "--max-request-bytes", "1024");
        assertThat(outcome.code()).isEqualTo(ExitCodes.OK);
        assertThat(backend.requests).hasSize(3).allMatch(r -> r.size() == 1);
        assertThat(lines(output).get(1L).get("url").asText()).isEqualTo(data.substring(0, 48) + "...(622 chars)");
    }
}
