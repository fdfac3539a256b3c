package com.ffs.validator.runpod;

import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BinaryOperator;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;

/**
 * Jobs submitted through the RunPod-style routes of this process: a bounded store, run by a pool of
 * {@code validator.runpod.concurrency} job threads. As on RunPod, an asynchronous job's result is kept for
 * {@code validator.runpod.result-retention} and a synchronous one's for {@code validator.runpod.runsync-retention};
 * when the store is full, results already handed back by /runsync make room first.
 *
 * <p>
 * The store's capacity is a semaphore of {@code validator.runpod.max-jobs} permits: a job holds one from submit
 * until it is forgotten, so the bound holds under concurrent submits. A job thread stays with its job until the job's
 * work has ended, also after a cancel, so that no more than {@code concurrency} jobs' work runs at once.
 */
@ApplicationScoped
public class JobStore {

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final JobRunner runner;
    private final RunPodConfig config;
    private final ExecutorService pool;
    private final Semaphore room;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public JobStore(JobRunner runner, RunPodConfig config) {
        this.runner = runner;
        this.config = config;
        int threads = Math.max(1, config.concurrency());
        // Every queued job is a stored one, so the queue never holds more than the store.
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, config.maxJobs())),
                Thread.ofPlatform().name("local-job-", 0).daemon(true).factory());
        this.room = new Semaphore(Math.max(0, config.maxJobs()));
    }

    /** Thrown when the store holds {@code validator.runpod.max-jobs} jobs already. */
    static final class StoreFullException extends RuntimeException {
        StoreFullException(int max) {
            super("job store is full (" + max + " jobs within the retention period); retry later", null, false, false);
        }
    }

    /** Stores a job and queues it for execution; {@code sync} jobs (/runsync) keep their result briefly. */
    Job submit(JsonNode input, boolean sync) {
        purgeExpired();
        // Concurrent submits may evict the same result: each tries again while delivered results remain.
        while (!room.tryAcquire()) {
            if (!evictOldestDelivered()) {
                throw new StoreFullException(config.maxJobs());
            }
        }
        Duration retention = sync ? config.runsyncRetention() : config.resultRetention();
        Job job = new Job((sync ? "sync-" : "") + UUID.randomUUID(), input, retention.toNanos());
        jobs.put(job.id, job);
        // The job's span continues the trace of the request that submitted it (/run, /runsync).
        pool.execute(Context.current().wrap(() -> execute(job)));
        return job;
    }

    Optional<Job> find(String id) {
        purgeExpired();
        return Optional.ofNullable(jobs.get(id));
    }

    /** Cancels a queued or running job; a finished job keeps its status. */
    Optional<Job> cancel(String id) {
        Optional<Job> job = find(id);
        job.ifPresent(Job::cancel);
        return job;
    }

    /** RunPod's /health counts. */
    Map<String, Object> health(boolean ready) {
        long queued = jobs.values().stream().filter(j -> j.state() == JobState.IN_QUEUE).count();
        long running = jobs.values().stream().filter(j -> j.state() == JobState.IN_PROGRESS).count();
        return Map.of(
                "jobs", Map.of("completed", completed.get(), "failed", failed.get(), "inProgress", running,
                        "inQueue", queued, "retried", 0),
                "workers", Map.of("idle", ready && running == 0 ? 1 : 0, "running", running > 0 ? 1 : 0,
                        "initializing", ready ? 0 : 1));
    }

    private void execute(Job job) {
        if (!job.start()) {
            return;
        }
        JobOutcome outcome;
        try {
            outcome = JobSpans.run(job.id, () -> runner.run(job.input, job.control));
        } catch (RuntimeException e) {
            Log.errorf(e, "Job %s failed unexpectedly", job.id);
            outcome = JobOutcome.failure("InternalError", "internal error; see the service log (job " + job.id + ")");
            job.control.settle();
        }
        if (job.finish(outcome)) {
            (outcome.failed() ? failed : completed).incrementAndGet();
        }
        // The thread stays with the job until its work has ended (a cancelled job's images may still be in a stage).
        job.control.settled().join();
    }

    private void purgeExpired() {
        long now = System.nanoTime();
        jobs.values().stream().filter(j -> j.expired(now)).toList().forEach(this::forget);
    }

    /** Forgets the oldest finished job whose result /runsync already returned; false when there is none. */
    private boolean evictOldestDelivered() {
        Optional<Job> oldest = jobs.values().stream().filter(Job::delivered)
                .min(Comparator.comparingLong(Job::finishedNanos));
        oldest.ifPresent(this::forget);
        return oldest.isPresent();
    }

    /** Removes a job and gives its room back, once, however many threads try. */
    private void forget(Job job) {
        if (jobs.remove(job.id, job)) {
            room.release();
        }
    }

    @PreDestroy
    void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One job and its lifecycle; transitions are synchronized so cancel and finish cannot cross. */
    static final class Job {
        final String id;
        final JsonNode input;
        private final long submittedNanos = System.nanoTime();
        private final long retentionNanos;
        private final JobControl control = new JobControl();
        private long startedNanos;
        private long finishedNanos;
        private JobState state = JobState.IN_QUEUE;
        private JobOutcome outcome;
        private boolean delivered;

        Job(String id, JsonNode input, long retentionNanos) {
            this.id = id;
            this.input = input;
            this.retentionNanos = retentionNanos;
        }

        synchronized JobState state() {
            return state;
        }

        synchronized boolean start() {
            if (state != JobState.IN_QUEUE) {
                return false;
            }
            state = JobState.IN_PROGRESS;
            startedNanos = System.nanoTime();
            return true;
        }

        synchronized boolean finish(JobOutcome result) {
            finishedNanos = System.nanoTime();
            if (state == JobState.CANCELLED) {
                return false;
            }
            outcome = result;
            state = result.failed() ? JobState.FAILED : JobState.COMPLETED;
            notifyAll();
            return true;
        }

        /** Cancels a queued or running job and stops its work; a finished job keeps its status. */
        void cancel() {
            synchronized (this) {
                if (state.terminal()) {
                    return;
                }
                state = JobState.CANCELLED;
                finishedNanos = System.nanoTime();
                notifyAll();
            }
            control.cancel("cancelled through /cancel");
        }

        /** Waits until the job is finished or {@code timeout} passes. */
        synchronized void await(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!state.terminal()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized boolean expired(long now) {
            return state.terminal() && now - finishedNanos > retentionNanos;
        }

        /** Records that the finished result went back to the caller of /runsync. */
        synchronized void markDelivered() {
            delivered = state.terminal();
        }

        synchronized boolean delivered() {
            return delivered;
        }

        synchronized long finishedNanos() {
            return finishedNanos;
        }

        /**
         * The job's envelope; a failed job's {@code error} is what {@code report} makes of its error type and
         * message.
         */
        synchronized JobEnvelope envelope(BinaryOperator<String> report) {
            Long delay = startedNanos == 0 ? null : millis(startedNanos - submittedNanos);
            Long execution = state.terminal() && startedNanos != 0 ? millis(finishedNanos - startedNanos) : null;
            String error = outcome != null && outcome.failed() ? report.apply(outcome.errorType(), outcome.error())
                    : null;
            return new JobEnvelope(id, state, delay, execution, outcome == null ? null : outcome.output(), error);
        }

        private static long millis(long nanos) {
            return TimeUnit.NANOSECONDS.toMillis(nanos);
        }
    }
}
