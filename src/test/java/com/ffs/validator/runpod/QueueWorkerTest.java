package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.runpod.FakeRunPodQueue.Call;
import com.ffs.validator.validation.ValidationResponse;

/**
 * The queue worker with stand-in jobs (no models) against the fake queue: takes without a usable job, the waits after
 * empty answers, rate limits and errors, job deadlines and the slots they hold, and a take loop that dies.
 */
// Its tests run side by side, each with its own fake queue and worker, but never beside a test that looks at the
// JVM's worker threads by name.
@ResourceLock(value = QueueWorkerTest.WORKER_THREADS, mode = ResourceAccessMode.READ)
@Execution(ExecutionMode.CONCURRENT)
class QueueWorkerTest {

    /** Shared by tests that start workers; held alone by tests that look at worker threads by name. */
    static final String WORKER_THREADS = "runpod-worker-threads";

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JobOutcome OK = JobOutcome.success(new ValidationResponse(List.of(), null));

    private FakeRunPodQueue queue;
    private RunPodClient client;
    private QueueWorker worker;

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.drain();
        }
        if (client != null) {
            client.close();
        }
        if (queue != null) {
            queue.close();
        }
    }

    /** A stand-in job whose work ends when it returns. */
    static QueueWorker.Runner endingOnReturn(Function<JsonNode, JobOutcome> job) {
        return (input, control) -> {
            try {
                return job.apply(input);
            } finally {
                control.settle();
            }
        };
    }

    private QueueWorker worker(RunPodConfig config, Function<JsonNode, JobOutcome> job, QueueWorker.Service service,
            Runnable onExit) throws Exception {
        return worker(config, endingOnReturn(job), service, onExit);
    }

    private QueueWorker worker(RunPodConfig config, QueueWorker.Runner job, QueueWorker.Service service,
            Runnable onExit) throws Exception {
        queue = new FakeRunPodQueue("k");
        RunPodEnvironment env = RunPodEnvironment.from(name -> Optional.ofNullable(
                queue.environment("w9", 100).get(name)));
        client = new RunPodClient(MAPPER, "k", "test", config.takeTimeout());
        worker = new QueueWorker(config, env, client, new ResultBodies(MAPPER, "h", "w9", "test", 8_000_000), job,
                service, "test", onExit);
        return worker;
    }

    /** Waits for every thread whose name starts with {@code prefix} to end, failing the test after {@code bound}. */
    static void assertThreadsEnd(String prefix, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                assertThat(t.isAlive()).as("thread %s ended", t.getName()).isFalse();
            }
        }
    }

    /**
     * Waits until the worker holds {@code jobId}. The fake counts a job as taken once it has answered the take; the
     * worker holds it (and hears stop signals for it) only once it has read that answer.
     */
    static void awaitInFlight(QueueWorker worker, String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!worker.jobIds().contains(jobId)) {
            assertThat(System.nanoTime()).as("job %s in flight", jobId).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /**
     * Starts {@code worker} and hands it {@code jobId} in a take answer whose body waits for {@code sendBody}; returns
     * once the answer's headers are sent.
     */
    static void startWithAnswerHeld(QueueWorker worker, FakeRunPodQueue queue, String jobId, CountDownLatch sendBody)
            throws InterruptedException {
        CountDownLatch headersSent = new CountDownLatch(1);
        queue.splitNextJobAnswer(headersSent, sendBody);
        worker.start();
        queue.enqueue(jobId, Map.of());
        assertThat(headersSent.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the take answer's headers").isTrue();
    }

    private static QueueWorker.Service ready() {
        return QueueWorker.service(() -> true, Optional::empty);
    }

    private static String errorType(Call post) {
        return FakeRunPodQueue.parse(FakeRunPodQueue.parse(post.body()).get("error").asText()).get("error_type")
                .asText();
    }

    /** Fails when {@code jobId} is taken within {@code period} (which a correct worker never does). */
    private void assertNotTakenWithin(String jobId, Duration period) throws InterruptedException {
        long deadline = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(queue.takes()).as("job %s taken", jobId)
                    .noneMatch(c -> c.body() != null && c.body().contains("\"" + jobId + "\""));
            Thread.sleep(20);
        }
    }

    @Test
    void takesWithoutAUsableJobShouldCountAsNoJobAndBeFollowedByAPause() throws Exception {
        worker(new TestRunPodConfig(1, Duration.ofMinutes(1), Duration.ofSeconds(5)), input -> OK, ready(), () -> {
        });
        queue.hold(Duration.ofSeconds(5));
        queue.answerNextTakesWith("{}", "null", "[{}]", "{\"input\": {}}");
        queue.enqueue("after-empty", Map.of());
        worker.start();

        queue.awaitResult("after-empty", WAIT);

        List<Call> takes = queue.takes();
        assertThat(takes.subList(0, 4)).extracting(Call::body).containsExactly("{}", "null", "[{}]",
                "{\"input\": {}}");
        for (int i = 1; i <= 4; i++) {
            assertThat(takes.get(i).nanos() - takes.get(i - 1).nanos()).as("pause after answer %d", i)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        }
        assertThat(queue.posts("after-empty")).hasSize(1);
    }

    @Test
    void takesAnswered204Or400ShouldCountAsNoJobAndA429ShouldBeWaitedOut() throws Exception {
        worker(new TestRunPodConfig(1, Duration.ofMinutes(1), Duration.ofSeconds(5)), input -> OK, ready(), () -> {
        });
        queue.answerNextTakes(204, 400, 429);
        queue.enqueue("after-429", Map.of());
        worker.start();

        queue.awaitResult("after-429", WAIT);

        List<Call> takes = queue.takes();
        assertThat(takes.subList(0, 3)).extracting(Call::status).containsExactly(204, 400, 429);
        assertThat(takes.get(3).nanos() - takes.get(2).nanos()).as("Retry-After: 1 is honoured")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950).toNanos());
        assertThat(takes.get(3).status()).isEqualTo(200);
        assertThat(takes.get(3).body()).contains("after-429");
    }

    @Test
    void takeErrorsShouldBeFollowedByGrowingBackoffsNeverASpin() throws Exception {
        TestRunPodConfig config = new TestRunPodConfig(1, Duration.ofMinutes(1), Duration.ofSeconds(5));
        config.backoffInitial = Duration.ofMillis(50);
        config.backoffMax = Duration.ofMillis(400);
        worker(config, input -> OK, ready(), () -> {
        });
        queue.answerNextTakes(500, 500, 500, 500, 500, 500);
        queue.enqueue("after-errors", Map.of());
        worker.start();

        queue.awaitResult("after-errors", WAIT);

        List<Call> takes = queue.takes();
        assertThat(takes.subList(0, 6)).extracting(Call::status).containsOnly(500);
        // Waits are drawn from the upper half of 50, 100, 200, 400, 400, 400 ms.
        for (int i = 1; i <= 6; i++) {
            assertThat(takes.get(i).nanos() - takes.get(i - 1).nanos()).isGreaterThanOrEqualTo(
                    Duration.ofMillis(25).toNanos());
        }
        assertThat(takes.get(6).nanos() - takes.get(0).nanos()).isGreaterThanOrEqualTo(
                Duration.ofMillis(775).toNanos());
    }

    @Test
    void emptyAnswersThatComeBackAtOnceShouldBeFollowedByAPause() throws Exception {
        worker(new TestRunPodConfig(1, Duration.ofMinutes(1), Duration.ofSeconds(5)), input -> OK, ready(), () -> {
        });
        queue.hold(Duration.ZERO);
        worker.start();

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (queue.takes().size() < 5) {
            assertThat(System.nanoTime()).as("five takes").isLessThan(deadline);
            Thread.sleep(10);
        }
        List<Call> takes = queue.takes().subList(0, 5);
        // Empty answers without a long-poll are followed by 0.2-1 s pauses, never a spin.
        for (int i = 1; i < takes.size(); i++) {
            assertThat(takes.get(i).nanos() - takes.get(i - 1).nanos()).as("pause before take %d", i)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        }
    }

    @Test
    void aJobPastItsDeadlineShouldBeFailedButHoldItsSlotUntilItsWorkHasEnded() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        CountDownLatch workMayEnd = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        worker(new TestRunPodConfig(1, Duration.ofMillis(300), Duration.ofSeconds(5)), (input, control) -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            control.onCancel(reason -> cancelled.countDown());
            try {
                // The work ignores the cancel for a while, as a download or a running batch does.
                workMayEnd.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
                control.settle();
            }
            return OK;
        }, ready(), () -> {
        });
        queue.enqueue("late-1", Map.of());
        queue.enqueue("next-1", Map.of());
        worker.start();

        assertThat(errorType(queue.awaitResult("late-1", WAIT))).isEqualTo("TimeoutError");
        assertThat(cancelled.await(10, TimeUnit.SECONDS)).as("the late job's work is cancelled").isTrue();
        assertNotTakenWithin("next-1", Duration.ofSeconds(1));
        workMayEnd.countDown();
        queue.awaitResult("next-1", WAIT);

        assertThat(mostAtOnce.get()).as("jobs running at once").isEqualTo(1);
        assertThat(queue.posts("late-1")).as("the late job is answered once").hasSize(1);
    }

    @Test
    void aStopSignalShouldCancelTheJobAndPostNothingForIt() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        worker(new TestRunPodConfig(1, Duration.ofMinutes(1), Duration.ofSeconds(5)), (input, control) -> {
            if (input.has("wait")) {
                control.onCancel(reason -> stopped.countDown());
                try {
                    stopped.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            control.settle();
            return OK;
        }, ready(), () -> {
        });
        queue.enqueue("stopped-1", Map.of("wait", true));
        queue.enqueue("next-1", Map.of());
        worker.start();
        queue.awaitTaken("stopped-1", WAIT);
        awaitInFlight(worker, "stopped-1");

        queue.stopJob("stopped-1");

        assertThat(stopped.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the job's work is cancelled").isTrue();
        // One slot: the next job runs only once the stopped one has left it, answered by nothing.
        queue.awaitResult("next-1", WAIT);
        assertThat(queue.posts("stopped-1")).as("nothing is posted for a stopped job").isEmpty();
        Call poll = queue.stopPolls().getFirst();
        assertThat(poll.path()).isEqualTo("/v2/ep/job-stop/w9");
        assertThat(poll.query()).containsEntry("gpu", FakeRunPodQueue.GPU).doesNotContainKey("job_in_progress");
        assertThat(poll.header("Authorization")).isEqualTo("k");
    }

    @Test
    void aStopSignalThatOvertakesItsJobShouldKeepTheJobFromRunning() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        worker(new TestRunPodConfig(1, Duration.ofMinutes(1), Duration.ofSeconds(5)), input -> {
            ran.incrementAndGet();
            return OK;
        }, ready(), () -> {
        });
        CountDownLatch sendBody = new CountDownLatch(1);
        startWithAnswerHeld(worker, queue, "overtaken-1", sendBody);

        // RunPod stops the job while its take answer is still arriving: the stop reaches the worker first.
        queue.stopJob("overtaken-1");
        long deadline = System.nanoTime() + WAIT.toNanos();
        int answered = -1;
        while (answered < 0 || queue.stopPolls().size() <= answered) {
            assertThat(System.nanoTime()).as("the worker reads the stop and polls again").isLessThan(deadline);
            List<Call> polls = queue.stopPolls();
            for (int i = 0; answered < 0 && i < polls.size(); i++) {
                if (polls.get(i).body() != null && polls.get(i).body().contains("overtaken-1")) {
                    answered = i + 1;
                }
            }
            Thread.sleep(5);
        }
        sendBody.countDown();
        queue.enqueue("next-1", Map.of());
        queue.awaitResult("next-1", WAIT);

        assertThat(ran.get()).as("jobs run: only the next one").isEqualTo(1);
        assertThat(queue.posts("overtaken-1")).as("nothing is posted for a stopped job").isEmpty();
    }

    @Test
    void aStopChannelThatIsNotOfferedShouldBeAskedForRarely() throws Exception {
        worker(new TestRunPodConfig(1, Duration.ofMinutes(1), Duration.ofSeconds(5)), input -> OK, ready(),
                () -> {
                });
        queue.offerStopChannel(false);
        queue.hold(Duration.ZERO);
        worker.start();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (queue.stopPolls().isEmpty()) {
            assertThat(System.nanoTime()).as("a first stop poll").isLessThan(deadline);
            Thread.sleep(10);
        }
        for (int i = 0; i < 3; i++) {
            queue.enqueue("job-" + i, Map.of());
            queue.awaitResult("job-" + i, WAIT);
        }
        assertThat(queue.stopPolls()).extracting(Call::status).containsExactly(404);
    }

    @Test
    void aTakeLoopThatDiesShouldReportUnhealthyAndEndTheProcess() throws Exception {
        AtomicBoolean thrown = new AtomicBoolean();
        CountDownLatch exited = new CountDownLatch(1);
        worker(new TestRunPodConfig(1, Duration.ofMinutes(1), Duration.ofSeconds(5)), input -> OK,
                QueueWorker.service(() -> true, () -> {
                    if (thrown.compareAndSet(false, true)) {
                        throw new IllegalStateException("a bug in the take loop");
                    }
                    return Optional.empty();
                }), exited::countDown);
        worker.start();

        assertThat(exited.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the process is ended").isTrue();
        Call report = queue.awaitPing(p -> "unhealthy".equals(p.query().get("status")), WAIT, "an unhealthy report");
        assertThat(report.query()).containsEntry("check", "job-take");
        assertThat(report.query().get("reason")).contains("job-take loop failed");
    }
}
