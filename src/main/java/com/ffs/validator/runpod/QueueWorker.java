package com.ffs.validator.runpod;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jboss.logging.MDC;

import com.fasterxml.jackson.databind.JsonNode;
import com.ffs.validator.runpod.RunPodClient.QueueJob;
import com.ffs.validator.runpod.RunPodClient.Take;

import io.quarkus.logging.Log;

/**
 * RunPod's queue worker (runpod-python's job loop, made robust). Once models are ready it long-polls RunPod for as
 * many jobs as it has free slots ({@code validator.runpod.concurrency}), so that the images of several jobs meet in the
 * same inference batches; runs each through {@link JobRunner}; posts each result, retrying 5xx answers and I/O errors;
 * and keeps a heartbeat that names the jobs in flight. Empty answers and errors are followed by waits, never by an
 * immediate retry.
 *
 * <p>{@link #drain()} (on SIGTERM) stops taking, aborts the open long-poll, lets the jobs in flight finish and post
 * their results within the grace period, posts an error for any that cannot, and stops the heartbeat last. A fatal
 * engine error ends the worker the same way, with {@code "stopPod": true} on every result so that RunPod refreshes
 * it, after one "unhealthy" report on the heartbeat URL.
 */
final class QueueWorker {

    private static final Duration READY_POLL = Duration.ofMillis(100);
    /** An empty answer quicker than this is not a real long-poll: pause before asking again. */
    private static final Duration QUICK_ANSWER = Duration.ofSeconds(1);
    static final String MDC_REQUEST_ID = "requestId";

    /** The service as the worker sees it: readiness and a failure that ends serving. */
    interface Service {
        boolean ready();

        Optional<String> failure();
    }

    /** A taken job until its result is posted. */
    private static final class InFlightJob {
        final String id;
        final JsonNode input;
        final long takenNanos = System.nanoTime();
        final AtomicBoolean answered = new AtomicBoolean();

        InFlightJob(String id, JsonNode input) {
            this.id = id;
            this.input = input;
        }
    }

    private final RunPodConfig config;
    private final WebhookUrls urls;
    private final RunPodClient client;
    private final ResultBodies bodies;
    private final Function<JsonNode, JobOutcome> runner;
    private final Service service;
    private final String version;
    private final Runnable exitAfterFatal;
    private final Heartbeat heartbeat;
    private final Map<String, InFlightJob> inFlight = new ConcurrentHashMap<>();
    private final Object slots = new Object();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch takeLoopDone = new CountDownLatch(1);
    private final ExecutorService runPool = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("runpod-job-", 0).daemon(true).factory());
    private final ExecutorService postPool = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("runpod-post-", 0).daemon(true).factory());
    private final AtomicBoolean fatal = new AtomicBoolean();
    private volatile boolean stopping;
    private Thread takeThread;

    /**
     * @param runner          runs one job's input (blocking), as {@link JobRunner#run} does
     * @param exitAfterFatal  ends the process once a fatal error has been reported
     */
    QueueWorker(RunPodConfig config, RunPodEnvironment env, RunPodClient client, ResultBodies bodies,
            Function<JsonNode, JobOutcome> runner, Service service, String version, Runnable exitAfterFatal) {
        this.config = config;
        this.urls = WebhookUrls.of(env);
        this.client = client;
        this.bodies = bodies;
        this.runner = runner;
        this.service = service;
        this.version = version;
        this.exitAfterFatal = exitAfterFatal;
        this.heartbeat = urls.hasPing() ? new Heartbeat(client, urls, env.pingInterval(), version, this::jobIds) : null;
    }

    synchronized void start() {
        if (takeThread == null) {
            takeThread = Thread.ofPlatform().name("runpod-take").daemon(true).start(this::takeLoop);
        }
    }

    /** Ids of the jobs taken and not yet answered. */
    List<String> jobIds() {
        return List.copyOf(inFlight.keySet());
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
            Log.infof("Taking jobs from RunPod: up to %d at once%s", config.concurrency(),
                    urls.batchTake() ? ", several per take when slots are free" : "");
            Backoff errors = new Backoff(config.backoffInitial(), config.backoffMax());
            while (!stopping) {
                if (service.failure().isPresent()) {
                    onFatal(service.failure().get());
                    break;
                }
                int free = config.concurrency() - inFlight.size();
                if (free <= 0) {
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
                    }
                    case Take.NoJob none -> {
                        errors.reset();
                        if (System.nanoTime() - start < QUICK_ANSWER.toNanos()) {
                            pause(Duration.ofMillis(ThreadLocalRandom.current().nextLong(200, 1001)));
                        }
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
        } catch (RuntimeException e) {
            Log.errorf(e, "The job-take loop failed; no more jobs are taken");
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
        InFlightJob job = new InFlightJob(taken.id(), taken.input());
        if (inFlight.putIfAbsent(job.id, job) != null) {
            Log.warnf("Job %s was handed out again while it runs here; the second copy is ignored", job.id);
            return;
        }
        withRequestId(job.id, () -> Log.infof("Job taken (%d in flight)", inFlight.size()));
        CompletableFuture.supplyAsync(() -> execute(job), runPool)
                .completeOnTimeout(JobOutcome.failure("TimeoutError", "the job did not finish within "
                        + config.jobTimeout().toSeconds() + " s (validator.runpod.job-timeout)"),
                        config.jobTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> JobOutcome.failure(e.getClass().getSimpleName(), String.valueOf(e.getMessage())))
                .thenAcceptAsync(outcome -> deliver(job, outcome), postPool);
    }

    private JobOutcome execute(InFlightJob job) {
        MDC.put(MDC_REQUEST_ID, job.id);
        try {
            return runner.apply(job.input);
        } catch (RuntimeException e) {
            Log.errorf(e, "Job failed unexpectedly");
            return JobOutcome.failure(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
        } finally {
            MDC.remove(MDC_REQUEST_ID);
        }
    }

    /** Posts a job's result once; whoever answers a job first (the job, or the drain deadline) wins. */
    private void deliver(InFlightJob job, JobOutcome outcome) {
        if (!job.answered.compareAndSet(false, true)) {
            return;
        }
        MDC.put(MDC_REQUEST_ID, job.id);
        try {
            service.failure().ifPresent(this::onFatal);
            boolean stopPod = fatal.get();
            byte[] body = bodies.of(outcome, stopPod);
            boolean posted = post(job.id, body, config.postAttempts());
            if (!posted && !outcome.failed()) {
                // Leave the client a failed job rather than a completed one without output.
                posted = post(job.id, bodies.error("ResultDeliveryError", "the worker could not deliver the result",
                        stopPod), 1);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - job.takenNanos);
            if (!posted) {
                Log.errorf("Job result could not be posted to RunPod after %d ms; the job is lost", millis);
            } else if (outcome.failed()) {
                Log.warnf("Job failed in %d ms: %s", millis, outcome.error());
            } else {
                Log.infof("Job done in %d ms", millis);
            }
        } finally {
            MDC.remove(MDC_REQUEST_ID);
            release(job);
        }
    }

    /** Posts a body, retrying 5xx answers and I/O errors with backoff; 4xx answers are final. */
    private boolean post(String jobId, byte[] body, int attempts) {
        Backoff backoff = new Backoff(config.backoffInitial(), config.backoffMax());
        for (int attempt = 1; attempt <= attempts; attempt++) {
            String problem;
            try {
                int status = client.post(urls.done(jobId), jobId, body);
                if (status >= 200 && status <= 299) {
                    return true;
                }
                if (status < 500) {
                    Log.errorf("Job-done answered HTTP %d for a %d-byte body; not retried", status, body.length);
                    return false;
                }
                problem = "HTTP " + status;
            } catch (IOException e) {
                problem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (attempt < attempts) {
                Duration wait = backoff.next();
                Log.warnf("Job-done failed (%s); attempt %d of %d in %d ms", problem, attempt + 1, attempts,
                        wait.toMillis());
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            } else {
                Log.errorf("Job-done failed (%s) after %d attempts", problem, attempts);
            }
        }
        return false;
    }

    private void release(InFlightJob job) {
        inFlight.remove(job.id);
        synchronized (slots) {
            slots.notifyAll();
        }
    }

    private void awaitSlot() throws InterruptedException {
        synchronized (slots) {
            if (!stopping && inFlight.size() >= config.concurrency()) {
                slots.wait(1000);
            }
        }
    }

    private void pause(Duration wait) throws InterruptedException {
        stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A fatal engine error: stop taking, answer the jobs in flight with {@code stopPod} so that RunPod refreshes this
     * worker, report unhealthy, then end the process.
     */
    private void onFatal(String reason) {
        if (!fatal.compareAndSet(false, true)) {
            return;
        }
        Log.errorf("Fatal engine error: %s. No more jobs are taken; results carry stopPod so that RunPod refreshes "
                + "this worker", reason);
        stopTaking();
        Thread.ofPlatform().name("runpod-fatal").daemon(true).start(() -> {
            awaitInFlight(System.nanoTime() + config.drainTimeout().toNanos());
            reportUnhealthy("engine", reason);
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
        client.abortTake();
        synchronized (slots) {
            slots.notifyAll();
        }
    }

    /**
     * Graceful drain, for shutdown: stop taking and abort the open long-poll, let the jobs in flight finish and post
     * their results within {@code validator.runpod.drain-timeout}, post an error for any still running then, and stop
     * the heartbeat last.
     */
    void drain() {
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        int held = inFlight.size();
        Log.infof("Draining: no more jobs are taken; %d in flight", held);
        stopTaking();
        try {
            // A take answered while it was being aborted has its jobs accepted before the wait begins.
            takeLoopDone.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!awaitInFlight(deadline)) {
            for (InFlightJob job : inFlight.values()) {
                if (job.answered.compareAndSet(false, true)) {
                    MDC.put(MDC_REQUEST_ID, job.id);
                    try {
                        boolean posted = post(job.id, bodies.error("WorkerShutdown", "the worker shut down before the "
                                + "job finished (validator.runpod.drain-timeout " + config.drainTimeout().toSeconds()
                                + " s)", fatal.get()), 1);
                        Log.warnf("Job still running at the end of the grace period; failed it%s",
                                posted ? "" : " but could not post that");
                    } finally {
                        MDC.remove(MDC_REQUEST_ID);
                        release(job);
                    }
                }
            }
        }
        if (heartbeat != null) {
            heartbeat.close();
        }
        runPool.shutdownNow();
        postPool.shutdown();
        Log.infof("Drained: %d job(s) were in flight at shutdown", held);
    }

    /** Waits until no job is in flight or the deadline passes; true when none is left. */
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
        return new Service() {
            @Override
            public boolean ready() {
                return ready.get();
            }

            @Override
            public Optional<String> failure() {
                return failure.get();
            }
        };
    }
}
