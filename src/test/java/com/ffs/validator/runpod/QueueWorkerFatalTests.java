package com.ffs.validator.runpod;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.ffs.validator.inference.InferenceEngine;
import com.ffs.validator.testing.ImageServer;
import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** A fatal engine error while a job runs: readiness goes down and the worker asks RunPod to refresh it. */
@QuarkusTest
@TestProfile(QueueWorkerTestProfile.Fatal.class)
class QueueWorkerFatalTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    InferenceEngine engine;

    @Test
    void shouldAnswerWithStopPodReportUnhealthyAndStopTaking() throws InterruptedException {
        Readiness.await();
        FakeRunPodQueue queue = FakeRunPodQueueTestResource.queue();
        String id = QueueWorkerTests.jobId("fatal");
        ImageServer images = ImageServerTestResource.server();
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
