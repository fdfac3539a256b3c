package com.ffs.validator.runpod;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.ffs.validator.inference.InferenceEngine;
import com.ffs.validator.testing.ImageServer;
import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Deadlines and stop signals with the real service on demo models: a job whose image download is held is answered
 * once (a TimeoutError, or nothing when RunPod stopped it), and its download is aborted with it, so its slot frees
 * and the next job runs although the held image was never released. One slot, a 2 s deadline. Last, a fatal engine
 * error while a job runs, which leaves this application's worker stopped for good (no other test class shares it).
 */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
@WithTestResource(FakeRunPodQueueTestResource.OneSlot.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueueWorkerDeadlineTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    InferenceEngine engine;

    private FakeRunPodQueue queue;
    private ImageServer images;

    @BeforeEach
    void ready() {
        Readiness.await();
        queue = FakeRunPodQueueTestResource.queue();
        queue.hold(Duration.ofMillis(500));
        images = ImageServerTestResource.server();
    }

    @AfterEach
    void releaseHeldImages() {
        images.release();
    }

    private static Map<String, Object> nsfw(String image) {
        return Map.of("action", "nsfw", "images", List.of(image));
    }

    @Test
    void aJobPastItsDeadlineIsFailedOnceAndItsDownloadAbortedSoItsSlotFrees() throws InterruptedException {
        String late = QueueWorkerTests.jobId("late");
        String next = QueueWorkerTests.jobId("next");
        images.hold();
        queue.enqueue(late, nsfw(images.heldImage("formats/red.png")));
        queue.enqueue(next, nsfw(images.image("formats/red.png")));

        JsonNode failed = FakeRunPodQueue.parse(queue.awaitResult(late, WAIT).body());
        assertThat(FakeRunPodQueue.parse(failed.get("error").asText()).get("error_type").asText())
                .isEqualTo("TimeoutError");
        // The late job's download is aborted with it, so its slot is free at once: the next job runs while the held
        // image is still held.
        JsonNode answered = FakeRunPodQueue.parse(queue.awaitResult(next, WAIT).body());
        assertThat(answered.at("/output/results/0/nsfw/is_nsfw").asBoolean()).isTrue();
        assertThat(queue.posts(late)).as("the late job is answered once").hasSize(1);
    }

    @Test
    void aStoppedJobIsAnsweredByNothingAndItsDownloadAbortedSoItsSlotFrees() throws InterruptedException {
        String stopped = QueueWorkerTests.jobId("stopped");
        String next = QueueWorkerTests.jobId("after-stop");
        images.hold();
        queue.enqueue(stopped, nsfw(images.heldImage("formats/red.png")));
        queue.enqueue(next, nsfw(images.image("formats/green.png")));
        queue.awaitTaken(stopped, WAIT);
        // A stop signal is heard for a job the worker holds: one that a heartbeat names.
        queue.awaitPing(p -> p.query().getOrDefault("job_id", "").contains(stopped), WAIT,
                "a heartbeat naming " + stopped);

        queue.stopJob(stopped);

        // Stopping aborts the job's download: its slot frees without the held image being released.
        queue.awaitResult(next, WAIT);
        assertThat(queue.posts(stopped)).as("nothing is posted for a stopped job").isEmpty();
    }

    /** A fatal engine error while a job runs: readiness goes down and the worker asks RunPod to refresh it. */
    @Test
    @Order(Integer.MAX_VALUE)
    void aFatalEngineErrorAnswersWithStopPodReportsUnhealthyAndStopsTaking() throws InterruptedException {
        String id = QueueWorkerTests.jobId("fatal");
        images.hold();
        try {
            queue.enqueue(id, Map.of("action", "nsfw", "images", List.of(images.heldImage("formats/red.png"))));
            queue.awaitTaken(id, WAIT);

            engine.markFailed("ONNX Runtime failed: CUDA failure 700: an illegal memory access was encountered");
        } finally {
            images.release();
        }

        JsonNode body = FakeRunPodQueue.parse(queue.awaitResult(id, WAIT).body());
        assertThat(body.get("stopPod").asBoolean()).isTrue();
        // Answered either way: an error per image if it had reached the engine, else a job error (models failed).
        assertThat(body.has("output") ? body.at("/output/results/0/error/code").asText() : body.get("error").asText())
                .as("the job is still answered").isNotEmpty();
        Readiness.management().get("/health/ready").then().statusCode(503);
        given().get("/ping").then().statusCode(503);
        FakeRunPodQueue.Call report = queue.awaitPing(p -> "unhealthy".equals(p.query().get("status")), WAIT,
                "an unhealthy report");
        assertThat(report.query()).containsEntry("check", "engine");
        assertThat(report.query().get("reason")).contains("CUDA failure 700");

        // The take loop has ended: nothing can take a job any more. A long-poll that was open when the worker
        // stopped taking stays held by the fake for its hold time and would hand out a job to a connection nobody
        // reads; let it be answered first.
        awaitEnded("runpod-take");
        queue.awaitNoOpenTake(WAIT);
        int takes = queue.takes().size();
        String later = QueueWorkerTests.jobId("after-fatal");
        queue.enqueue(later, Map.of("images", List.of(ImageServerTestResource.server().image("formats/red.png"))));
        assertThat(queue.takes()).hasSize(takes);
        assertThat(queue.queued()).as("no job is taken after the fatal error").isEqualTo(1);
    }

    /** Waits until no thread named {@code name} is alive, failing the test after 30 s. */
    private static void awaitEnded(String name) throws InterruptedException {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                t.join(WAIT.toMillis());
                assertThat(t.isAlive()).as("thread %s ended", name).isFalse();
            }
        }
    }
}
