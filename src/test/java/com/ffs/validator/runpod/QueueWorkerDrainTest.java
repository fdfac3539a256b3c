package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.validation.ValidationResponse;

/**
 * The queue worker's shutdown and deadlines with a stand-in job (no models): drain finishes jobs in flight and posts
 * their results before it returns, aborts the open long-poll, fails what the grace period cannot cover, and fails a
 * job that overruns its deadline.
 */
// Looks at the JVM's worker threads by name: no other test with a worker may run beside it.
@ResourceLock(QueueWorkerTest.WORKER_THREADS)
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

    private static final JobOutcome OK = JobOutcome.success(new ValidationResponse(List.of(), null));

    /** A stand-in job that runs until {@code release} opens (or its thread is interrupted). */
    private static Function<JsonNode, JobOutcome> heldBy(CountDownLatch release) {
        return input -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return OK;
        };
    }

    @Test
    void shouldFinishAndPostJobsInFlightThenStopTheHeartbeatLast() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        QueueWorker worker = worker(new TestRunPodConfig(2, Duration.ofMinutes(1), Duration.ofSeconds(20)),
                heldBy(release), () -> {
                });
        queue.hold(Duration.ofSeconds(30));
        worker.start();
        queue.enqueue("slow-1", Map.of());
        queue.awaitTaken("slow-1", WAIT);
        queue.awaitPing(p -> "slow-1".equals(p.query().get("job_id")), WAIT, "a heartbeat naming the job");

        long start = System.nanoTime();
        CompletableFuture<Void> drained = CompletableFuture.runAsync(worker::drain);
        queue.awaitPing(p -> p.nanos() > start && "slow-1".equals(p.query().get("job_id")), WAIT,
                "a heartbeat while the job drains");
        assertThat(drained).as("the drain waits for the job").isNotDone();
        release.countDown();
        drained.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(queue.accepted("slow-1")).as("posted before drain returned").isPresent();
        assertThat(FakeRunPodQueue.parse(queue.accepted("slow-1").orElseThrow().body()).has("output")).isTrue();
        // The fake holds the open long-poll for 30 s: a take thread that ends sooner had its poll aborted, and with
        // it and the heartbeat's thread gone, nothing takes or pings any more.
        QueueWorkerTest.assertThreadsEnd("runpod-take", Duration.ofSeconds(10));
        assertThat(Thread.getAllStackTraces().keySet()).as("the heartbeat stopped with the drain")
                .noneMatch(t -> t.getName().equals("runpod-heartbeat"));
        assertThat(worker.jobIds()).isEmpty();
    }

    @Test
    void aJobWhoseTakeAnswerIsArrivingWhenTheDrainBeginsShouldStillRunAndBeAnswered() throws Exception {
        QueueWorker worker = worker(new TestRunPodConfig(1, Duration.ofMinutes(1), Duration.ofSeconds(10)),
                input -> OK, () -> {
                });
        CountDownLatch sendBody = new CountDownLatch(1);
        QueueWorkerTest.startWithAnswerHeld(worker, queue, "arriving-1", sendBody);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!client.takeAnswerArriving()) {
            assertThat(System.nanoTime()).as("the worker reads the take's answer").isLessThan(deadline);
            Thread.sleep(5);
        }

        // RunPod has handed the job out: the drain aborts the long-polls but lets this answer arrive.
        CompletableFuture<Void> drained = CompletableFuture.runAsync(worker::drain);
        while (!client.pollsAborted()) {
            assertThat(System.nanoTime()).as("the drain aborted the long-polls").isLessThan(deadline);
            Thread.sleep(5);
        }
        sendBody.countDown();
        drained.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(queue.accepted("arriving-1")).as("the job is answered").isPresent();
        assertThat(FakeRunPodQueue.parse(queue.accepted("arriving-1").orElseThrow().body()).has("output")).isTrue();
    }

    @Test
    void shouldPostAnErrorForAJobTheGracePeriodCannotCover() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        QueueWorker worker = worker(new TestRunPodConfig(1, Duration.ofMinutes(1), Duration.ofMillis(500)),
                heldBy(never), () -> {
                });
        worker.start();
        queue.enqueue("stuck-1", Map.of());
        queue.awaitTaken("stuck-1", WAIT);
        // The fake has answered the take; the job is in flight once the worker has read that answer.
        QueueWorkerTest.awaitInFlight(worker, "stuck-1");

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
        CountDownLatch release = new CountDownLatch(1);
        QueueWorker worker = worker(new TestRunPodConfig(1, Duration.ofMillis(300), Duration.ofSeconds(5)),
                heldBy(release), () -> {
                });
        worker.start();
        queue.enqueue("late-1", Map.of());

        JsonNode body = FakeRunPodQueue.parse(queue.awaitResult("late-1", WAIT).body());
        assertThat(FakeRunPodQueue.parse(body.get("error").asText()).get("error_type").asText())
                .isEqualTo("TimeoutError");
        release.countDown();
        worker.drain();
        assertThat(queue.posts("late-1")).hasSize(1);
    }

    @Test
    void shouldLetAResultPostThatIsRetryingFinishBeforeDrainReturns() throws Exception {
        TestRunPodConfig config = new TestRunPodConfig(1, Duration.ofMinutes(1), Duration.ofMillis(200));
        config.postAttempts = 5;
        config.backoffInitial = Duration.ofSeconds(1);
        config.backoffMax = Duration.ofSeconds(1);
        QueueWorker worker = worker(config, input -> OK, () -> {
        });
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
        CountDownLatch twoRunning = new CountDownLatch(2);
        QueueWorker worker = worker(new TestRunPodConfig(2, Duration.ofMinutes(1), Duration.ofSeconds(10)), input -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            twoRunning.countDown();
            try {
                // The first two jobs meet here, so both slots are surely used at once; later ones pass straight on.
                twoRunning.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            return OK;
        }, () -> {
        });
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
