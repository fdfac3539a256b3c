package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.validation.ValidationResponse;

/** The local job store: bounded, with RunPod's retention, and room made from results /runsync already returned. */
class JobStoreTest {

    private static final JsonNode INPUT = new ObjectMapper().createObjectNode();

    private final CountDownLatch release = new CountDownLatch(1);
    private JobStore store;

    /** A store of {@code max} jobs whose jobs finish at once, or, with {@code hold}, when the test releases them. */
    private JobStore store(int max, boolean hold) {
        TestRunPodConfig config = new TestRunPodConfig(4, Duration.ofMinutes(1), Duration.ofSeconds(5));
        config.maxJobs = max;
        JobRunner runner = new JobRunner(null, new ObjectMapper()) {
            @Override
            JobOutcome run(JsonNode input, JobControl control) {
                try {
                    if (hold) {
                        release.await();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    control.settle();
                }
                return JobOutcome.success(new ValidationResponse(List.of(), null));
            }
        };
        store = new JobStore(runner, config);
        return store;
    }

    @AfterEach
    void close() {
        release.countDown();
        if (store != null) {
            store.close();
        }
    }

    private static void finish(JobStore.Job job) throws InterruptedException {
        job.await(Duration.ofSeconds(5));
        assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void shouldRefuseNewJobsWhenFullOfUnreadResults() throws InterruptedException {
        JobStore s = store(2, false);
        finish(s.submit(INPUT, false));
        finish(s.submit(INPUT, true));
        assertThatThrownBy(() -> s.submit(INPUT, false)).isInstanceOf(JobStore.StoreFullException.class)
                .hasMessageContaining("2 jobs");
    }

    @Test
    void shouldMakeRoomFromResultsRunsyncAlreadyReturned() throws InterruptedException {
        JobStore s = store(2, false);
        JobStore.Job async = s.submit(INPUT, false);
        JobStore.Job sync = s.submit(INPUT, true);
        finish(async);
        finish(sync);
        sync.markDelivered();
        JobStore.Job next = s.submit(INPUT, false);
        assertThat(s.find(sync.id)).isEmpty();
        assertThat(s.find(async.id)).as("an unread /run result is kept").isPresent();
        assertThat(s.find(next.id)).isPresent();
    }

    @Test
    void shouldNeverEvictUnfinishedJobs() {
        JobStore s = store(1, true);
        JobStore.Job running = s.submit(INPUT, true);
        running.markDelivered();
        assertThatThrownBy(() -> s.submit(INPUT, true)).isInstanceOf(JobStore.StoreFullException.class);
        assertThat(s.find(running.id)).isPresent();
    }

    @Test
    void shouldHoldItsCapacityUnderConcurrentSubmits() throws Exception {
        int max = 8;
        JobStore s = store(max, true);
        int threads = 32;
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicInteger stored = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> submitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                submitters.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < 20; i++) {
                        try {
                            s.submit(INPUT, false);
                            stored.incrementAndGet();
                        } catch (JobStore.StoreFullException e) {
                            // expected once the store is full
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : submitters) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(stored.get()).as("jobs the store took, none finished").isEqualTo(max);
    }

    @Test
    void shouldMakeRoomForEveryConcurrentSubmitWhileDeliveredResultsRemain() throws Exception {
        // A full store of results /runsync already returned: every submit finds room, however many arrive at once
        // (two submitters must not both count on evicting the same result).
        int max = 16;
        JobStore s = store(max, false);
        for (int i = 0; i < max; i++) {
            JobStore.Job job = s.submit(INPUT, true);
            finish(job);
            job.markDelivered();
        }
        int threads = 16;
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> submitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                submitters.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        start.await(10, TimeUnit.SECONDS);
                        try {
                            JobStore.Job job = s.submit(INPUT, true);
                            finish(job);
                            job.markDelivered();
                        } catch (JobStore.StoreFullException e) {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : submitters) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(refused.get()).as("submits refused although delivered results could make room").isZero();
    }

    @Test
    void syncJobsShouldCarryTheirPrefix() throws InterruptedException {
        JobStore s = store(4, false);
        assertThat(s.submit(INPUT, true).id).startsWith("sync-");
        assertThat(s.submit(INPUT, false).id).doesNotStartWith("sync-");
    }
}
