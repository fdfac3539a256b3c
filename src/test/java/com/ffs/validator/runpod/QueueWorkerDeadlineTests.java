package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.ffs.validator.testing.ImageServer;
import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Deadlines and stop signals with the real service on demo models: a job whose image download is held is answered
 * once (a TimeoutError, or nothing when RunPod stopped it), and its download is aborted with it, so its slot frees
 * and the next job runs although the held image was never released. One slot, a 2 s deadline.
 */
@QuarkusTest
@TestProfile(QueueWorkerTestProfile.Deadlines.class)
class QueueWorkerDeadlineTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

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

        queue.stopJob(stopped);

        // Stopping aborts the job's download: its slot frees without the held image being released.
        queue.awaitResult(next, WAIT);
        assertThat(queue.posts(stopped)).as("nothing is posted for a stopped job").isEmpty();
    }
}
