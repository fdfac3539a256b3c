package com.ffs.validator.runpod;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jboss.logging.MDC;

import com.fasterxml.jackson.databind.JsonNode;
import com.ffs.validator.metrics.MetricNames;
import com.ffs.validator.runpod.RunPodClient.QueueJob;
import com.ffs.validator.runpod.RunPodClient.StopPoll;
import com.ffs.validator.runpod.RunPodClient.Take;

import io.micrometer.core.instrument.Metrics;
import io.quarkus.logging.Log;

/**
 * RunPod's queue worker (runpod-python's job loop, made robust). Once models are ready it long-polls RunPod for as
 * many jobs as it has free slots ({@code validator.runpod.concurrency}), so that the images of several jobs meet in the
 * same inference batches; runs each through {@link JobRunner} on a bounded pool; posts each result, retrying 5xx
 * answers and I/O errors; keeps a heartbeat that names the jobs in flight; and long-polls RunPod's stop channel.
 * Answers without a job and errors are followed by waits, never by an immediate retry.
 *
 * <p>
 * Every taken job is answered once: by its result, by its deadline ({@code validator.runpod.job-timeout}: its work
 * is cancelled and a {@code TimeoutError} posted), by the drain, or not at all when RunPod stopped it through the
 * stop channel. A job's slot is freed only once its answer is posted and its work has ended, so that no more than
 * {@code concurrency} jobs ever run.
 *
 * <p>
 * {@link #drain()} (on SIGTERM) stops taking, aborts the open long-polls, lets the jobs in flight finish and post
 * their results within the grace period, fails those that cannot, waits for result posts still retrying, and stops
 * the heartbeat last. A fatal engine error, or a take loop that dies, ends the worker: results carry
 * {@code "stopPod": true} so that RunPod refreshes it, one "unhealthy" report goes to the heartbeat URL, and the
 * process exits.
 */
final class QueueWorker {

    private static final Duration READY_POLL = Duration.ofMillis(100);
    /** An empty answer quicker than this is not a real long-poll: pause before asking again. */
    private static final Duration QUICK_ANSWER = Duration.ofSeconds(1);
    /** How long to wait before asking again where RunPod does not offer the stop channel (404). */
    private static final Duration STOP_CHANNEL_ABSENT_WAIT = Duration.ofMinutes(10);
    /** Once the grace period is over: how long the last attempt of a result post may take, and all of them. */
    private static final Duration LAST_POST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LAST_POSTS_WAIT = Duration.ofSeconds(10);
    static final String MDC_REQUEST_ID = "requestId";

    /** The service as the worker sees it: readiness and a failure that ends serving. */
    interface Service {
        boolean ready();

        Optional<String> failure();

        /** How long newly admitted work would wait behind what the service holds now. */
        default Duration expectedWait() {
            return Duration.ZERO;
        }
    }

    /** Runs one job on the calling thread until it is answered, as {@link JobRunner#run(JsonNode, JobControl)}. */
    @FunctionalInterface
    interface Runner {
        JobOutcome run(JsonNode input, JobControl control);
    }

    /** A taken job until its answer is posted and its work has ended. */
    private static final class InFlightJob {
        final String id;
        final JsonNode input;
        final long takenNanos = System.nanoTime();
        final JobControl control = new JobControl();
        /** Set by whoever answers the job first: its result, its deadline, the drain, or a stop signal. */
        final AtomicBoolean answered = new AtomicBoolean();
        /** Completes once the answer is posted (or given up, or not to be posted). */
        final CompletableFuture<Void> answerDone = new CompletableFuture<>();
        volatile ScheduledFuture<?> deadline;

        InFlightJob(String id, JsonNode input) {
            this.id = id;
            this.input = input;
        }
    }

    private final RunPodConfig config;
    private final WebhookUrls urls;
    private final RunPodClient client;
    private final ResultBodies bodies;
    private final Runner runner;
    private final Service service;
    private final String version;
    private final Runnable exitAfterFatal;
    private final Heartbeat heartbeat;
    private final Map<String, InFlightJob> inFlight = new ConcurrentHashMap<>();
    /** Stops that arrived before their jobs: at most 1,024 ids, each kept 10 minutes. */
    private final EarlyStops earlyStops = new EarlyStops(1024, Duration.ofMinutes(10), System::nanoTime);
    private final Object slots = new Object();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch takeLoopDone = new CountDownLatch(1);
    /** Counted down when the grace period is over: posts waiting to retry make their last attempt at once. */
    private final CountDownLatch lastCall = new CountDownLatch(1);
    /** Job threads: as many as jobs may run; the queue only absorbs a job whose slot is freed just before. */
    private final ThreadPoolExecutor runPool;
    /** Result posts: at most one per job in flight. */
    private final ThreadPoolExecutor postPool;
    /** Job deadlines: one per job in flight. */
    private final ScheduledThreadPoolExecutor deadlines;
    private final AtomicBoolean fatal = new AtomicBoolean();
    private volatile boolean stopping;
    private Thread takeThread;

    /**
     * @param runner runs one job (blocking), as {@link JobRunner#run(JsonNode, JobControl)} does
     * @param version the RunPod protocol version, for heartbeats and reports
     * @param exitAfterFatal ends the process once a fatal error has been reported
     */
    QueueWorker(RunPodConfig config, RunPodEnvironment env, RunPodClient client, ResultBodies bodies, Runner runner,
            Service service, String version, Runnable exitAfterFatal) {
        this.config = config;
        this.urls = WebhookUrls.of(env);
        this.client = client;
        this.bodies = bodies;
        this.runner = runner;
        this.service = service;
        this.version = version;
        this.exitAfterFatal = exitAfterFatal;
        this.heartbeat = urls.hasPing() ? new Heartbeat(client, urls, env.pingInterval(), version, this::jobIds) : null;
        int jobs = Math.max(1, config.concurrency());
        this.runPool = new ThreadPoolExecutor(jobs, jobs, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(jobs),
                Thread.ofPlatform().name("runpod-job-", 0).daemon(true).factory());
        this.postPool = new ThreadPoolExecutor(jobs, jobs, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(jobs),
                Thread.ofPlatform().name("runpod-post-", 0).daemon(true).factory());
        this.deadlines = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("runpod-deadlines").daemon(true).factory());
        this.deadlines.setRemoveOnCancelPolicy(true);
    }

    synchronized void start() {
        if (takeThread == null) {
            takeThread = Thread.ofPlatform().name("runpod-take").daemon(true).start(this::takeLoop);
        }
    }

    /** Ids of the jobs taken and not yet answered. */
    List<String> jobIds() {
        return inFlight.values().stream().filter(j -> !j.answered.get()).map(j -> j.id).toList();
    }

    private void takeLoop() {
        try {
            if (!awaitReady()) {
                return;
            }
            if (heartbeat != null) {
                heartbeat.start();
            } else {
                Log.warn("RUNPOD_WEBHOOK_PING is not set: no heartbeat is sent");
            }
            Optional<URI> stopChannel = urls.stop();
            if (stopChannel.isPresent()) {
                Thread.ofPlatform().name("runpod-stop").daemon(true).start(() -> stopLoop(stopChannel.get()));
            } else {
                Log.info("The job-take URL has no /job-take/ segment: no stop channel; jobs end by their deadline");
            }
            Log.infof("Taking jobs from RunPod: up to %d at once%s", config.concurrency(),
                    urls.batchTake() ? ", several per take when slots are free" : "");
            Backoff errors = new Backoff(config.backoffInitial(), config.backoffMax());
            while (!stopping) {
                Optional<String> failure = service.failure();
                if (failure.isPresent()) {
                    giveUp("engine", "Fatal engine error: " + failure.get(), failure.get());
                    break;
                }
                int free = config.concurrency() - inFlight.size();
                if (free <= 0 || !inFlight.isEmpty() && tooBusyToFinishInTime()) {
                    awaitSlot();
                    continue;
                }
                long start = System.nanoTime();
                Take take = client.take(urls.take(free, !inFlight.isEmpty()));
                switch (take) {
                    case Take.Jobs jobs -> {
                        errors.reset();
                        jobs.rejected().forEach(entry -> Log.errorf("Job-take gave an entry without an id; it cannot "
                                + "be run or answered: %s", entry));
                        jobs.jobs().forEach(this::accept);
                        if (jobs.jobs().isEmpty()) {
                            pauseAfterEmpty(start);
                        }
                    }
                    case Take.NoJob none -> {
                        errors.reset();
                        pauseAfterEmpty(start);
                    }
                    case Take.RateLimited limited -> {
                        Log.warnf("Job-take rate limited (HTTP 429); waiting %d ms", limited.delay().toMillis());
                        pause(limited.delay());
                    }
                    case Take.Failed failed -> {
                        if (stopping) {
                            break;
                        }
                        Duration wait = errors.next();
                        Log.warnf("%s; retrying in %d ms (failure %d)", failed.why(), wait.toMillis(),
                                errors.failures());
                        pause(wait);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // Nothing would take jobs any more while the heartbeat kept a billed worker alive: end it instead.
            Log.errorf(e, "The job-take loop failed");
            giveUp("job-take", "The job-take loop failed", "the job-take loop failed unexpectedly; see the worker log");
        } finally {
            takeLoopDone.countDown();
        }
    }

    /** Waits for models; false when they failed or the worker stops first. */
    private boolean awaitReady() throws InterruptedException {
        while (!service.ready()) {
            Optional<String> failure = service.failure();
            if (failure.isPresent()) {
                reportUnhealthy("models", failure.get());
                return false;
            }
            if (stopSignal.await(READY_POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return true;
    }

    private void accept(QueueJob taken) {
        if (earlyStops.take(taken.id())) {
            withRequestId(taken.id(), () -> Log.infof("Job stopped by RunPod before it arrived: not run, no result "
                    + "is posted"));
            return;
        }
        InFlightJob job = new InFlightJob(taken.id(), taken.input());
        if (inFlight.putIfAbsent(job.id, job) != null) {
            Log.warnf("Job %s was handed out again while it runs here; the second copy is ignored", job.id);
            return;
        }
        CompletableFuture.allOf(job.answerDone, job.control.settled()).whenComplete((v, e) -> release(job));
        withRequestId(job.id, () -> Log.infof("Job taken (%d in flight)", inFlight.size()));
        if (inFlight.size() > config.concurrency()) {
            // RunPod handed out more than was asked for: running it would exceed the configured concurrency.
            job.control.settle();
            answer(job, JobOutcome.failure("WorkerBusy", "the worker was handed more jobs than it has slots ("
                    + config.concurrency() + ", validator.runpod.concurrency); retry the job"));
            return;
        }
        job.deadline = deadlines.schedule(() -> timeOut(job), config.jobTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            runPool.execute(() -> run(job));
        } catch (RejectedExecutionException e) {
            job.control.settle();
            answer(job, JobOutcome.failure("WorkerBusy", "the worker could not start the job; retry it"));
        }
    }

    private void run(InFlightJob job) {
        MDC.put(MDC_REQUEST_ID, job.id);
        JobOutcome outcome;
        try {
            outcome = JobSpans.run(job.id, () -> runner.run(job.input, job.control));
        } catch (RuntimeException | Error e) {
            Log.errorf(e, "Job failed unexpectedly");
            outcome = JobOutcome.failure("InternalError", "internal error; see the worker log");
            job.control.settle();
        } finally {
            MDC.remove(MDC_REQUEST_ID);
        }
        answer(job, outcome);
    }

    /** A job past its deadline: its work is cancelled and a TimeoutError posted; its slot waits for the work to end. */
    private void timeOut(InFlightJob job) {
        if (!job.answered.compareAndSet(false, true)) {
            return;
        }
        String reason = "the job did not finish within " + config.jobTimeout().toSeconds()
                + " s (validator.runpod.job-timeout)";
        withRequestId(job.id, () -> Log.warnf("Job past its deadline: its work is cancelled, a TimeoutError posted"));
        countJob("timed_out");
        job.control.cancel(reason);
        post(job, bodies.of(JobOutcome.failure("TimeoutError", reason), stopPod()), config.postAttempts(), false);
    }

    /** RunPod asked to stop a job (cancelled, expired): its work is cancelled and, as runpod-python does, no answer. */
    private void stop(String jobId) {
        InFlightJob job = inFlight.get(jobId);
        if (job == null) {
            // Its take answer may still be on the way: remembered, so that the job is not run when it arrives.
            Log.debugf("Stop signal for job %s, which is not running here (yet)", jobId);
            earlyStops.add(jobId);
            return;
        }
        if (!job.answered.compareAndSet(false, true)) {
            withRequestId(job.id, () -> Log.infof("Stop signal for a job already answered; its work is cancelled"));
            job.control.cancel("stopped by RunPod");
            return;
        }
        cancelDeadline(job);
        withRequestId(job.id, () -> Log.infof("Job stopped by RunPod: its work is cancelled, no result is posted"));
        job.control.cancel("stopped by RunPod");
        job.answerDone.complete(null);
    }

    /** Answers a job with its outcome, unless it was answered already (deadline, drain, stop signal). */
    private void answer(InFlightJob job, JobOutcome outcome) {
        if (!job.answered.compareAndSet(false, true)) {
            return;
        }
        cancelDeadline(job);
        if (service.failure().isPresent()) {
            giveUp("engine", "Fatal engine error: " + service.failure().get(), service.failure().get());
        }
        countJob(outcome.failed() ? "failed" : "completed");
        post(job, bodies.of(outcome, stopPod()), config.postAttempts(), !outcome.failed());
    }

    /** Quarkus's meter registry is Micrometer's global one, where the worker's meters join the service's. */
    private static void countJob(String outcome) {
        Metrics.counter(MetricNames.RUNPOD_JOBS, MetricNames.TAG_OUTCOME, outcome).increment();
    }

    private static void countPost(String outcome) {
        Metrics.counter(MetricNames.RUNPOD_RESULT_POSTS, MetricNames.TAG_OUTCOME, outcome).increment();
    }

    private boolean stopPod() {
        return fatal.get();
    }

    private static void cancelDeadline(InFlightJob job) {
        ScheduledFuture<?> deadline = job.deadline;
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    /** Posts a job's answer on the post pool; {@code answerDone} completes when it is over. */
    private void post(InFlightJob job, byte[] body, int attempts, boolean resultBody) {
        Runnable task = () -> deliver(job, body, attempts, resultBody);
        try {
            postPool.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    private void deliver(InFlightJob job, byte[] body, int attempts, boolean resultBody) {
        MDC.put(MDC_REQUEST_ID, job.id);
        try {
            boolean posted = post(job.id, body, attempts);
            if (!posted && resultBody) {
                // Leave the client a failed job rather than a completed one without output.
                posted = post(job.id, bodies.error("ResultDeliveryError", "the worker could not deliver the result",
                        stopPod()), 1);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - job.takenNanos);
            if (!posted) {
                Log.errorf("Job answer could not be posted to RunPod after %d ms; the job is lost", millis);
            } else if (!resultBody) {
                Log.warnf("Job failed in %d ms", millis);
            } else {
                Log.infof("Job done in %d ms", millis);
            }
        } finally {
            MDC.remove(MDC_REQUEST_ID);
            job.answerDone.complete(null);
        }
    }

    /**
     * Posts a body, retrying 5xx answers and I/O errors with backoff; 4xx answers are final. Once the grace period
     * is over, a post waiting to retry makes its last attempt at once.
     */
    private boolean post(String jobId, byte[] body, int attempts) {
        Backoff backoff = new Backoff(config.backoffInitial(), config.backoffMax());
        int last = attempts;
        for (int attempt = 1; attempt <= last; attempt++) {
            String problem;
            try {
                Duration timeout = lastCall.getCount() == 0 ? LAST_POST_TIMEOUT : RunPodClient.POST_TIMEOUT;
                int status = client.post(urls.done(jobId), jobId, body, timeout);
                if (status >= 200 && status <= 299) {
                    countPost("ok");
                    return true;
                }
                if (status < 500) {
                    Log.errorf("Job-done answered HTTP %d for a %d-byte body; not retried", status, body.length);
                    countPost("failed");
                    return false;
                }
                problem = "HTTP " + status;
            } catch (IOException e) {
                problem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            countPost(attempt < last ? "retried" : "failed");
            if (attempt < last) {
                Duration wait = backoff.next();
                Log.warnf("Job-done failed (%s); attempt %d of %d in %d ms", problem, attempt + 1, last,
                        wait.toMillis());
                try {
                    if (lastCall.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                        last = attempt + 1;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            } else {
                Log.errorf("Job-done failed (%s) after %d attempts", problem, attempt);
            }
        }
        return false;
    }

    private void release(InFlightJob job) {
        inFlight.remove(job.id, job);
        synchronized (slots) {
            slots.notifyAll();
        }
    }

    /**
     * Whether a job taken now would wait so long behind the work already admitted that it could miss its deadline
     * (half of {@code validator.runpod.job-timeout}, RunPod's execution timeout): then it is better left in RunPod's
     * queue for another worker. A worker with no job always takes one.
     */
    private boolean tooBusyToFinishInTime() {
        return service.expectedWait().compareTo(config.jobTimeout().dividedBy(2)) > 0;
    }

    private void awaitSlot() throws InterruptedException {
        synchronized (slots) {
            if (!stopping && (inFlight.size() >= config.concurrency() || !inFlight.isEmpty()
                    && tooBusyToFinishInTime())) {
                slots.wait(1000);
            }
        }
    }

    private void pause(Duration wait) throws InterruptedException {
        stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** After an answer without a job: a real long-poll took its time; a quick one is followed by 0.2-1 s. */
    private void pauseAfterEmpty(long startNanos) throws InterruptedException {
        if (System.nanoTime() - startNanos < QUICK_ANSWER.toNanos()) {
            pause(Duration.ofMillis(ThreadLocalRandom.current().nextLong(200, 1001)));
        }
    }

    /** Long-polls RunPod's stop channel while the worker takes jobs, and stops the jobs it names. */
    private void stopLoop(URI channel) {
        Backoff errors = new Backoff(config.backoffInitial(), config.backoffMax());
        try {
            while (!stopping) {
                long start = System.nanoTime();
                switch (client.stopSignals(channel)) {
                    case StopPoll.Stop stop -> {
                        errors.reset();
                        stop.jobIds().forEach(this::stop);
                        if (stop.jobIds().isEmpty() && System.nanoTime() - start < QUICK_ANSWER.toNanos()) {
                            pause(QUICK_ANSWER);
                        }
                    }
                    case StopPoll.NotOffered absent -> {
                        Log.infof("RunPod does not offer the stop channel here (HTTP 404); jobs end by their deadline. "
                                + "Asking again in %d min", STOP_CHANNEL_ABSENT_WAIT.toMinutes());
                        pause(STOP_CHANNEL_ABSENT_WAIT);
                    }
                    case StopPoll.RateLimited limited -> pause(limited.delay());
                    case StopPoll.Failed failed -> {
                        if (stopping) {
                            break;
                        }
                        Duration wait = errors.next();
                        Log.warnf("%s; retrying in %d ms", failed.why(), wait.toMillis());
                        pause(wait);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Jobs still end by their deadline; the stop channel is a convenience.
            Log.errorf(e, "The stop-channel loop failed; jobs end by their deadline");
        }
    }

    /**
     * Ends the worker after a failure it cannot serve through: stop taking, let the jobs in flight answer (with
     * {@code stopPod}, so that RunPod refreshes this worker) within the grace period, report unhealthy, then end the
     * process.
     */
    private void giveUp(String check, String what, String reason) {
        if (!fatal.compareAndSet(false, true)) {
            return;
        }
        Log.errorf("%s. No more jobs are taken; results carry stopPod so that RunPod refreshes this worker", what);
        stopTaking();
        Thread.ofPlatform().name("runpod-fatal").daemon(true).start(() -> {
            awaitInFlight(System.nanoTime() + config.drainTimeout().toNanos());
            reportUnhealthy(check, reason);
            exitAfterFatal.run();
        });
    }

    private void reportUnhealthy(String check, String reason) {
        if (!urls.hasPing()) {
            return;
        }
        try {
            client.ping(urls.unhealthy(check, reason, version), Duration.ofSeconds(2));
        } catch (IOException e) {
            Log.debugf("Unhealthy report failed: %s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopTaking() {
        stopping = true;
        stopSignal.countDown();
        client.abortPolls();
        synchronized (slots) {
            slots.notifyAll();
        }
    }

    /**
     * Graceful drain, for shutdown: stop taking and abort the open long-polls, let the jobs in flight finish and post
     * their results within {@code validator.runpod.drain-timeout}, fail those still running then, and wait for the
     * posts still in progress (a retry waiting then makes its last attempt at once) before the heartbeat stops and
     * the caller closes the HTTP client.
     */
    void drain() {
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        int held = inFlight.size();
        Log.infof("Draining: no more jobs are taken; %d in flight", held);
        stopTaking();
        try {
            // A take answered while it was being aborted has its jobs accepted before the wait begins.
            takeLoopDone.await(Math.max(0, Math.min(TimeUnit.SECONDS.toNanos(5), deadline - System.nanoTime())),
                    TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!awaitInFlight(deadline)) {
            lastCall.countDown();
            for (InFlightJob job : inFlight.values()) {
                if (job.answered.compareAndSet(false, true)) {
                    cancelDeadline(job);
                    job.control.cancel("the worker is shutting down");
                    withRequestId(job.id, () -> Log.warnf("Job still running at the end of the grace period; "
                            + "failing it"));
                    post(job, bodies.error("WorkerShutdown", "the worker shut down before the job finished "
                            + "(validator.runpod.drain-timeout " + config.drainTimeout().toSeconds() + " s)",
                            stopPod()), 1, false);
                }
            }
            awaitAnswers(System.nanoTime() + LAST_POSTS_WAIT.toNanos());
        }
        if (heartbeat != null) {
            heartbeat.close();
        }
        runPool.shutdownNow();
        postPool.shutdown();
        deadlines.shutdownNow();
        Log.infof("Drained: %d job(s) were in flight at shutdown", held);
    }

    /** Waits until no job is in flight (answered and its work ended) or the deadline passes; true when none is left. */
    private boolean awaitInFlight(long deadlineNanos) {
        synchronized (slots) {
            while (!inFlight.isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(slots, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return inFlight.isEmpty();
                }
            }
            return true;
        }
    }

    /** Waits until every job in flight has its answer posted (or given up), or the deadline passes. */
    private void awaitAnswers(long deadlineNanos) {
        for (InFlightJob job : inFlight.values()) {
            try {
                job.answerDone.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                Log.warnf("A job's answer was still being posted when the worker stopped waiting: %s", job.id);
            }
        }
    }

    private static void withRequestId(String id, Runnable action) {
        MDC.put(MDC_REQUEST_ID, id);
        try {
            action.run();
        } finally {
            MDC.remove(MDC_REQUEST_ID);
        }
    }

    /** Supplies the service view from plain functions (for the CDI wiring and for tests). */
    static Service service(Supplier<Boolean> ready, Supplier<Optional<String>> failure) {
        return service(ready, failure, () -> Duration.ZERO);
    }

    static Service service(Supplier<Boolean> ready, Supplier<Optional<String>> failure,
            Supplier<Duration> expectedWait) {
        return new Service() {
            @Override
            public boolean ready() {
                return ready.get();
            }

            @Override
            public Optional<String> failure() {
                return failure.get();
            }

            @Override
            public Duration expectedWait() {
                return expectedWait.get();
            }
        };
    }
}
