package com.ffs.validator.runpod;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Jobs submitted through the RunPod-style routes of this process: a bounded store, run by a pool of
 * {@code validator.runpod.concurrency} job threads. As on RunPod, an asynchronous job's result is kept for
 * {@code validator.runpod.result-retention} and a synchronous one's for {@code validator.runpod.runsync-retention};
 * when the store is full, results already handed back by /runsync make room first.
 */
@ApplicationScoped
public class JobStore {

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final JobRunner runner;
    private final RunPodConfig config;
    private final ExecutorService pool;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public JobStore(JobRunner runner, RunPodConfig config) {
        this.runner = runner;
        this.config = config;
        this.pool = Executors.newFixedThreadPool(Math.max(1, config.concurrency()),
                Thread.ofPlatform().name("local-job-", 0).daemon(true).factory());
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
        if (jobs.size() >= config.maxJobs()) {
            evictDelivered(jobs.size() - config.maxJobs() + 1);
        }
        if (jobs.size() >= config.maxJobs()) {
            throw new StoreFullException(config.maxJobs());
        }
        Duration retention = sync ? config.runsyncRetention() : config.resultRetention();
        Job job = new Job((sync ? "sync-" : "") + UUID.randomUUID(), input, retention.toNanos());
        jobs.put(job.id, job);
        pool.execute(() -> execute(job));
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
            outcome = runner.run(job.input);
        } catch (RuntimeException e) {
            outcome = JobOutcome.failure(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
        }
        if (job.finish(outcome)) {
            (outcome.failed() ? failed : completed).incrementAndGet();
        }
    }

    private void purgeExpired() {
        long now = System.nanoTime();
        jobs.values().removeIf(j -> j.expired(now));
    }

    /** Forgets up to {@code count} finished jobs whose result /runsync already returned, oldest first. */
    private void evictDelivered(int count) {
        jobs.values().stream().filter(Job::delivered).sorted(java.util.Comparator.comparingLong(Job::finishedNanos))
                .limit(count).toList().forEach(j -> jobs.remove(j.id, j));
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

        synchronized void cancel() {
            if (!state.terminal()) {
                state = JobState.CANCELLED;
                finishedNanos = System.nanoTime();
                notifyAll();
            }
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

        synchronized JobEnvelope envelope() {
            Long delay = startedNanos == 0 ? null : millis(startedNanos - submittedNanos);
            Long execution = state.terminal() && startedNanos != 0 ? millis(finishedNanos - startedNanos) : null;
            return new JobEnvelope(id, state, delay, execution, outcome == null ? null : outcome.output(),
                    outcome == null ? null : outcome.error());
        }

        private static long millis(long nanos) {
            return TimeUnit.NANOSECONDS.toMillis(nanos);
        }
    }
}
