package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.ffs.validator.runpod.FakeRunPodQueue.Call;
import com.ffs.validator.testing.ImageServer;
import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The queue worker in the service against an in-process RunPod queue: takes, batches, results, errors, retries,
 * heartbeats. The take loop's waits (empty answers, rate limits, take errors) are tested in {@link QueueWorkerTest}.
 */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
@WithTestResource(FakeRunPodQueueTestResource.class)
class QueueWorkerTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SEMANTIC_VERSION = "\\d+\\.\\d+\\.\\d+";

    private FakeRunPodQueue queue;

    @BeforeEach
    void ready() {
        Readiness.await();
        queue = FakeRunPodQueueTestResource.queue();
        queue.hold(Duration.ofMillis(500));
    }

    @AfterEach
    void everyCallCarriedTheRawKey() {
        assertThat(queue.unauthorized()).isEmpty();
    }

    static String image(String file) {
        return ImageServerTestResource.server().image("formats/" + file);
    }

    static String jobId(String name) {
        return name + "-" + UUID.randomUUID() + "-u1";
    }

    static Map<String, Object> validate(String... images) {
        return Map.of("action", "validate", "images", List.of(images));
    }

    @Test
    void shouldTakeRunAndPostAJobWithRunPodsHeadersAndBody() {
        String id = jobId("happy");
        queue.enqueue(id, validate(image("red.png"), image("green.jpg")));

        Call post = queue.awaitResult(id, WAIT);

        assertThat(post.path()).isEqualTo("/v2/ep/job-done/worker-1/" + id);
        assertThat(post.query()).containsEntry("gpu", FakeRunPodQueue.GPU).containsEntry("isStream", "false");
        assertThat(post.header("Authorization")).isEqualTo(FakeRunPodQueueTestResource.API_KEY);
        assertThat(post.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(post.header("charset")).isEqualTo("utf-8");
        assertThat(post.header("X-Request-ID")).isEqualTo(id);
        assertThat(post.header("User-Agent")).as("the product in User-Agent").matches("ffs-validator/[^/ ]+ \\(.*");
        JsonNode body = FakeRunPodQueue.parse(post.body());
        assertThat(body.has("error")).isFalse();
        assertThat(body.has("stopPod")).isFalse();
        assertThat(body.at("/output/results")).hasSize(2);
        assertThat(body.at("/output/results/0/nsfw/is_nsfw").asBoolean()).isTrue();
        assertThat(body.at("/output/results/1/fashion/is_fashion").asBoolean()).isTrue();
        assertThat(body.at("/output/results/1/embedding").size()).isPositive();

        Call take = queue.takes().stream().filter(c -> c.body() != null && c.body().contains(id)).findFirst()
                .orElseThrow();
        assertThat(take.path()).matches("/v2/ep/job-take(-batch)?/worker-1");
        assertThat(take.query()).containsEntry("gpu", FakeRunPodQueue.GPU).containsKey("job_in_progress");
    }

    @Test
    void shouldTakeSeveralJobsInOneBatchTake() {
        Map<String, Object> jobs = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            jobs.put(jobId("batch" + i), validate(image("blue.png")));
        }
        queue.enqueueAll(jobs);

        jobs.keySet().forEach(id -> queue.awaitResult(id, WAIT));

        Call take = queue.takes().stream().filter(c -> c.body() != null && c.body().startsWith("[")
                && jobs.keySet().stream().allMatch(c.body()::contains)).findFirst().orElseThrow();
        assertThat(take.path()).isEqualTo("/v2/ep/job-take-batch/worker-1");
        // As many as there are free slots: all four, unless a job of an earlier test is still posting.
        int asked = Integer.parseInt(take.query().get("batch_size"));
        assertThat(asked).isBetween(3, 4);
        assertThat(take.query().get("job_in_progress")).isEqualTo(asked == 4 ? "0" : "1");
    }

    @Test
    void shouldAnswerEveryImageOfAJobWithABadAndAGoodImage() {
        String id = jobId("mixed");
        String missing = ImageServerTestResource.server().baseUrl() + "/status/404";
        queue.enqueue(id, validate(missing, image("green.png")));

        JsonNode body = FakeRunPodQueue.parse(queue.awaitResult(id, WAIT).body());

        assertThat(body.has("error")).isFalse();
        assertThat(body.at("/output/results/0/error/code").asText()).isEqualTo("FETCH_HTTP_STATUS");
        assertThat(body.at("/output/results/1/error").isMissingNode()).isTrue();
        assertThat(body.at("/output/results/1/fashion/is_fashion").asBoolean()).isTrue();
    }

    @Test
    void shouldFailInvalidJobInputWithAnErrorString() {
        String unknownAction = jobId("bad-action");
        String noInput = jobId("no-input");
        String textInput = jobId("text-input");
        queue.enqueue(unknownAction, Map.of("action", "nude", "images", List.of(image("red.png"))));
        queue.enqueue(noInput, null);
        queue.enqueue(textInput, "just text");

        JsonNode body = FakeRunPodQueue.parse(queue.awaitResult(unknownAction, WAIT).body());
        assertThat(body.has("output")).isFalse();
        assertThat(body.get("error").isTextual()).as("error is a string, never an object").isTrue();
        JsonNode report = FakeRunPodQueue.parse(body.get("error").asText());
        assertThat(report.get("error_type").asText()).isEqualTo("RequestException");
        assertThat(report.get("error_message").asText()).contains("unknown action 'nude'");
        assertThat(report.get("worker_id").asText()).isEqualTo("worker-1");
        assertThat(report.get("hostname").asText()).isEqualTo("worker-1-host");
        assertThat(report.get("runpod_version").asText()).matches(SEMANTIC_VERSION);
        assertThat(report.has("error_traceback")).isTrue();

        for (String id : List.of(noInput, textInput)) {
            JsonNode failed = FakeRunPodQueue.parse(queue.awaitResult(id, WAIT).body());
            assertThat(failed.get("error").isTextual()).isTrue();
            assertThat(FakeRunPodQueue.parse(failed.get("error").asText()).get("error_message").asText())
                    .contains("'input' must be an object");
        }
    }

    @Test
    void shouldRetryAResultPostThatGot5xx() {
        String id = jobId("retry");
        queue.answerNextPosts(500, 503);
        queue.enqueue(id, validate(image("red.png")));

        queue.awaitResult(id, WAIT);

        List<Call> posts = queue.posts(id);
        assertThat(posts).extracting(Call::status).containsExactly(500, 503, 200);
        assertThat(posts).extracting(Call::body).containsOnly(posts.get(0).body());
        assertThat(posts.get(1).nanos() - posts.get(0).nanos()).as("backoff before a retry")
                .isGreaterThanOrEqualTo(Duration.ofMillis(25).toNanos());
    }

    @Test
    void shouldNameTheJobInHeartbeatsWhileItRuns() {
        String id = jobId("long");
        ImageServer images = ImageServerTestResource.server();
        images.hold();
        Call result;
        try {
            queue.enqueue(id, validate(images.heldImage("formats/red.png")));
            // The job runs until its image is released: several heartbeats (200 ms apart) name it meanwhile.
            for (int n = 1; n <= 3; n++) {
                int count = n;
                queue.awaitPing(p -> queue.pings().stream()
                        .filter(q -> q.query().getOrDefault("job_id", "").contains(id)).count() >= count, WAIT,
                        "heartbeat " + n + " naming " + id);
            }
        } finally {
            images.release();
        }
        result = queue.awaitResult(id, WAIT);

        List<Call> naming = queue.pings().stream().filter(p -> p.query().getOrDefault("job_id", "").contains(id))
                .toList();
        assertThat(naming).hasSizeGreaterThanOrEqualTo(3).allSatisfy(p -> {
            assertThat(p.nanos()).isLessThan(result.nanos());
            assertThat(p.path()).isEqualTo("/v2/ep/ping/worker-1");
            assertThat(p.query().get("runpod_version")).as("the protocol version").matches(SEMANTIC_VERSION);
        });
        queue.awaitPing(p -> p.nanos() > result.nanos() && !p.query().containsKey("job_id"), WAIT,
                "a heartbeat without job ids after the job");
    }
}
