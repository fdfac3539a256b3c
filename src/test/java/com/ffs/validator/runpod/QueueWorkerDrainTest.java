package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.validation.ValidationResponse;

/**
 * The queue worker's shutdown and deadlines with a stand-in job (no models): drain finishes jobs in flight and posts
 * their results before it returns, aborts the open long-poll, fails what the grace period cannot cover, and fails a
 * job that overruns its deadline.
 */
class QueueWorkerDrainTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FakeRunPodQueue queue;
    private RunPodClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (queue != null) {
            queue.close();
        }
    }

    private QueueWorker worker(RunPodConfig config, Function<JsonNode, JobOutcome> job, Runnable onExit)
            throws Exception {
        queue = new FakeRunPodQueue("k");
        RunPodEnvironment env = RunPodEnvironment.from(name -> Optional.ofNullable(
                queue.environment("w9", 100).get(name)));
        client = new RunPodClient(MAPPER, "k", "test", config.takeTimeout());
        return new QueueWorker(config, env, client, new ResultBodies(MAPPER, "h", "w9", "test", 8_000_000),
                QueueWorkerTest.endingOnReturn(job), QueueWorker.service(() -> true, Optional::empty), "test",
                onExit);
    }

    private static Function<JsonNode, JobOutcome> sleeping(long millis) {
        return input -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return JobOutcome.success(new ValidationResponse(List.of(), null));
        };
    }

    @Test
    void shouldFinishAndPostJobsInFlightThenStopTheHeartbeatLast() throws Exception {
        QueueWorker worker = worker(new TestRunPodConfig(2, Duration.ofMinutes(1), Duration.ofSeconds(10)),
                sleeping(1500), () -> { });
        queue.hold(Duration.ofSeconds(30));
        worker.start();
        queue.enqueue("slow-1", Map.of());
        queue.awaitTaken("slow-1", WAIT);
        queue.awaitPing(p -> "slow-1".equals(p.query().get("job_id")), WAIT, "a heartbeat naming the job");

        long start = System.nanoTime();
        worker.drain();

        assertThat(queue.accepted("slow-1")).as("posted before drain returned").isPresent();
        assertThat(FakeRunPodQueue.parse(queue.accepted("slow-1").orElseThrow().body()).has("output")).isTrue();
        FakeRunPodQueue.Call post = queue.accepted("slow-1").orElseThrow();
        assertThat(queue.pings()).as("heartbeats went on while the job drained")
                .anyMatch(p -> p.nanos() > start && p.nanos() < post.nanos());
        // The fake holds the open long-poll for 30 s: a take thread that ends sooner had its poll aborted, and with
        // it and the heartbeat's thread gone, nothing takes or pings any more.
        QueueWorkerTest.assertThreadsEnd("runpod-take", Duration.ofSeconds(10));
        assertThat(Thread.getAllStackTraces().keySet()).as("the heartbeat stopped with the drain")
                .noneMatch(t -> t.getName().equals("runpod-heartbeat"));
        assertThat(worker.jobIds()).isEmpty();
    }

    @Test
    void shouldPostAnErrorForAJobTheGracePeriodCannotCover() throws Exception {
        QueueWorker worker = worker(new TestRunPodConfig(1, Duration.ofMinutes(1), Duration.ofMillis(500)),
                sleeping(3000), () -> { });
        worker.start();
        queue.enqueue("stuck-1", Map.of());
        queue.awaitTaken("stuck-1", WAIT);

        worker.drain();

        JsonNode body = FakeRunPodQueue.parse(queue.accepted("stuck-1").orElseThrow().body());
        assertThat(FakeRunPodQueue.parse(body.get("error").asText()).get("error_type").asText())
                .isEqualTo("WorkerShutdown");
        // The drain stopped the job threads; once they are gone, the late result can no longer be posted.
        QueueWorkerTest.assertThreadsEnd("runpod-job-", WAIT);
        assertThat(queue.posts("stuck-1")).as("the late result is not posted a second time").hasSize(1);
    }

    @Test
    void shouldFailAJobThatOverrunsItsDeadline() throws Exception {
        QueueWorker worker = worker(new TestRunPodConfig(1, Duration.ofMillis(300), Duration.ofSeconds(5)),
                sleeping(2000), () -> { });
        worker.start();
        queue.enqueue("late-1", Map.of());

        JsonNode body = FakeRunPodQueue.parse(queue.awaitResult("late-1", WAIT).body());
        assertThat(FakeRunPodQueue.parse(body.get("error").asText()).get("error_type").asText())
                .isEqualTo("TimeoutError");
        worker.drain();
    }

    @Test
    void shouldLetAResultPostThatIsRetryingFinishBeforeDrainReturns() throws Exception {
        TestRunPodConfig config = new TestRunPodConfig(1, Duration.ofMinutes(1), Duration.ofMillis(200));
        config.postAttempts = 5;
        config.backoffInitial = Duration.ofSeconds(1);
        config.backoffMax = Duration.ofSeconds(1);
        QueueWorker worker = worker(config, sleeping(0), () -> { });
        queue.answerNextPosts(503);
        worker.start();
        queue.enqueue("retried-1", Map.of());
        awaitPost("retried-1");

        worker.drain(); // the grace period ends while the post waits to retry
        client.close(); // as the worker does once drained

        assertThat(queue.posts("retried-1")).extracting(FakeRunPodQueue.Call::status).containsExactly(503, 200);
        assertThat(FakeRunPodQueue.parse(queue.accepted("retried-1").orElseThrow().body()).has("output")).isTrue();
    }

    private void awaitPost(String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (queue.posts(jobId).isEmpty()) {
            assertThat(System.nanoTime()).as("a post for %s", jobId).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void shouldRunAtMostConcurrencyJobsAtOnce() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        QueueWorker worker = worker(new TestRunPodConfig(2, Duration.ofMinutes(1), Duration.ofSeconds(10)), input -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            sleeping(300).apply(input);
            running.decrementAndGet();
            return JobOutcome.success(new ValidationResponse(List.of(), null));
        }, () -> { });
        for (int i = 0; i < 6; i++) {
            queue.enqueue("c-" + i, Map.of());
        }
        worker.start();
        for (int i = 0; i < 6; i++) {
            queue.awaitResult("c-" + i, WAIT);
        }
        worker.drain();
        assertThat(most.get()).isEqualTo(2);
        assertThat(queue.takes()).allSatisfy(t -> assertThat(
                Integer.parseInt(t.query().getOrDefault("batch_size", "1"))).isLessThanOrEqualTo(2));
    }
}
