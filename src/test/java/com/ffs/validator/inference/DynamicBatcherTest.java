package com.ffs.validator.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The dynamic batcher without ONNX Runtime: a runner that echoes each slot's first value. */
class DynamicBatcherTest {

    /** Completes image futures, as the engine's result threads do. */
    private static final ExecutorService RESULTS = Executors.newFixedThreadPool(2,
            Thread.ofPlatform().name("test-results-", 0).daemon(true).factory());

    private final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

    private DynamicBatcher.BatchRunner echo(Duration runTime) {
        return (buffer, count) -> {
            batchSizes.add(count);
            Thread.sleep(runTime.toMillis());
            float[][] out = new float[count][];
            for (int i = 0; i < count; i++) {
                out[i] = new float[] { buffer.get(i * 2), buffer.get(i * 2 + 1) };
            }
            return out;
        };
    }

    private static DynamicBatcher.SlotWriter value(float v) {
        return slot -> slot.put(v).put(-v);
    }

    @Test
    void shouldCloseABatchWhenItIsFull() throws Exception {
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 4, Duration.ofSeconds(30), 16, 1, echo(Duration.ZERO),
                (s, q, r, f) -> {
                }, RESULTS)) {
            List<CompletableFuture<float[]>> fs = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                fs.add(b.submit(value(i), false));
            }
            for (int i = 1; i <= 4; i++) {
                assertThat(fs.get(i - 1).get(5, TimeUnit.SECONDS)).containsExactly(i, -i);
            }
            assertThat(batchSizes).containsExactly(4);
        }
    }

    @Test
    void shouldLeaveImagesWhoseCallersCancelledOutOfTheBatch() throws Exception {
        Semaphore runSlots = new Semaphore(1);
        runSlots.acquire(); // the batch waits for a run slot while two of its images are cancelled
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 4, Duration.ofSeconds(30), 16, 1, runSlots,
                echo(Duration.ZERO), (s, q, r, f) -> {
                }, RESULTS)) {
            List<CompletableFuture<float[]>> fs = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                fs.add(b.submit(value(i), false));
            }
            fs.get(1).cancel(false);
            fs.get(2).cancel(false);
            runSlots.release();

            assertThat(fs.get(0).get(5, TimeUnit.SECONDS)).containsExactly(1, -1);
            assertThat(fs.get(3).get(5, TimeUnit.SECONDS)).containsExactly(4, -4);
            assertThat(batchSizes).containsExactly(2);
        }
    }

    @Test
    void shouldNotRunABatchWhoseImagesAreAllCancelled() throws Exception {
        Semaphore runSlots = new Semaphore(1);
        runSlots.acquire();
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 2, Duration.ofSeconds(30), 16, 1, runSlots,
                echo(Duration.ZERO), (s, q, r, f) -> {
                }, RESULTS)) {
            CompletableFuture<float[]> one = b.submit(value(1), false);
            CompletableFuture<float[]> two = b.submit(value(2), false);
            one.cancel(false);
            two.cancel(false);
            runSlots.release();
            // A later image runs in a batch of its own: the cancelled batch left nothing behind.
            CompletableFuture<float[]> three = b.submit(value(3), false);
            CompletableFuture<float[]> four = b.submit(value(4), false);
            assertThat(three.get(5, TimeUnit.SECONDS)).containsExactly(3, -3);
            assertThat(four.get(5, TimeUnit.SECONDS)).containsExactly(4, -4);
            assertThat(batchSizes).containsExactly(2);
        }
    }

    @Test
    void shouldRunAPartialBatchAfterTheDelay() throws Exception {
        Semaphore runSlots = new Semaphore(1);
        runSlots.acquire(); // both images join the open batch before it can run, however slow this machine is
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 8, Duration.ofMillis(50), 16, 1, runSlots,
                echo(Duration.ZERO), (s, q, r, f) -> {
                }, RESULTS)) {
            long start = System.nanoTime();
            CompletableFuture<float[]> one = b.submit(value(7), false);
            CompletableFuture<float[]> two = b.submit(value(8), false);
            runSlots.release();
            assertThat(one.get(5, TimeUnit.SECONDS)).containsExactly(7, -7);
            assertThat(two.get(5, TimeUnit.SECONDS)).containsExactly(8, -8);
            assertThat(System.nanoTime() - start).as("not before the delay")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
            assertThat(batchSizes).containsExactly(2);
        }
    }

    @Test
    void shouldRefuseWhenEveryBufferIsTakenAndAcceptAgainAfterwards() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        DynamicBatcher.BatchRunner blocking = (buffer, count) -> {
            release.await();
            return new float[count][2];
        };
        // 2 queued images at batch size 2 plus one running batch: two buffers of 2, the fifth image is refused.
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 2, Duration.ofSeconds(30), 2, 1, blocking,
                (s, q, r, f) -> {
                }, RESULTS)) {
            List<CompletableFuture<float[]>> accepted = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                accepted.add(b.submit(value(i), false));
            }
            CompletableFuture<float[]> refused = b.submit(value(4), false);
            assertThatThrownBy(refused::join).hasCauseInstanceOf(QueueFullException.class);
            assertThat(accepted).noneMatch(CompletableFuture::isCompletedExceptionally);
            release.countDown();
            for (CompletableFuture<float[]> f : accepted) {
                f.get(5, TimeUnit.SECONDS);
            }
            // A full batch again, so that it runs without waiting for the long delay.
            CompletableFuture<float[]> again = b.submit(value(1), false);
            assertThat(b.submit(value(2), false).get(5, TimeUnit.SECONDS)).hasSize(2);
            assertThat(again.get(5, TimeUnit.SECONDS)).hasSize(2);
        }
    }

    @Test
    void shouldFailOnlyTheImageWhoseWriterFailed() throws Exception {
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 2, Duration.ofMillis(20), 8, 1, echo(Duration.ZERO),
                (s, q, r, f) -> {
                }, RESULTS)) {
            CompletableFuture<float[]> bad = b.submit(slot -> {
                throw new IllegalArgumentException("broken image");
            }, false);
            CompletableFuture<float[]> good = b.submit(value(3), false);
            assertThat(good.get(5, TimeUnit.SECONDS)).containsExactly(3, -3);
            assertThatThrownBy(bad::join).isInstanceOf(CompletionException.class).hasMessageContaining("broken image");
        }
    }

    @Test
    void shouldFailEveryImageOfABatchWhoseRunFailed() {
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 2, Duration.ofMillis(5), 8, 1, (buffer, count) -> {
            throw new IllegalStateException("device lost");
        }, (s, q, r, f) -> {
        }, RESULTS)) {
            CompletableFuture<float[]> f = b.submit(value(1), false);
            assertThatThrownBy(f::join).hasMessageContaining("device lost");
        }
    }

    @Test
    void shouldNeitherLoseNorDuplicateNorMixUpImagesUnderManyThreads() throws Exception {
        int threads = 16;
        int perThread = 200;
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 8, Duration.ofMillis(2), 32, 2, echo(Duration.ZERO),
                (s, q, r, f) -> {
                }, RESULTS)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<CompletableFuture<Void>> checks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                checks.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perThread; i++) {
                        float v = thread * 10_000 + i + 1;
                        float[] out = b.submit(value(v), true).join();
                        assertThat(out).containsExactly(v, -v);
                    }
                }, pool));
            }
            CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            pool.shutdown();
            assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(threads * perThread);
            assertThat(batchSizes).allMatch(s -> s >= 1 && s <= 8);
        }
    }

    @Test
    void shouldRunAsManyBatchesAtOnceAsItHasInstances() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch bothStarted = new CountDownLatch(2);
        DynamicBatcher.BatchRunner overlapping = (buffer, count) -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            bothStarted.countDown();
            bothStarted.await(5, TimeUnit.SECONDS);
            running.decrementAndGet();
            return new float[count][2];
        };
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 2, Duration.ofSeconds(30), 8, 2, overlapping,
                (s, q, r, f) -> {
                }, RESULTS)) {
            List<CompletableFuture<float[]>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(b.submit(value(i), false));
            }
            for (CompletableFuture<float[]> f : fs) {
                f.get(5, TimeUnit.SECONDS);
            }
            assertThat(mostAtOnce.get()).isEqualTo(2);
        }
    }

    @Test
    void shouldKeepFillingTheBatchWhileAnotherModelHoldsTheRunSlot() throws Exception {
        Semaphore runSlots = new Semaphore(1);
        runSlots.acquire(); // another model's batch is running
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 8, Duration.ofMillis(10), 16, 1, runSlots,
                echo(Duration.ZERO), (s, q, r, f) -> {
                }, RESULTS)) {
            List<CompletableFuture<float[]>> fs = new ArrayList<>();
            fs.add(b.submit(value(1), false));
            awaitQueued(runSlots); // the batch is due: its dispatcher waits for the slot
            for (int i = 2; i <= 6; i++) {
                fs.add(b.submit(value(i), false));
            }
            assertThat(batchSizes).isEmpty();
            runSlots.release();
            for (int i = 1; i <= 6; i++) {
                assertThat(fs.get(i - 1).get(5, TimeUnit.SECONDS)).containsExactly(i, -i);
            }
            assertThat(batchSizes).containsExactly(6);
        }
    }

    @Test
    void aBlockedDependentStageShouldHoldNeitherTheRunSlotNorTheNextBatch() throws Exception {
        Semaphore runSlots = new Semaphore(1);
        CountDownLatch chained = new CountDownLatch(1);
        CountDownLatch stageRunning = new CountDownLatch(1);
        CountDownLatch unblock = new CountDownLatch(1);
        DynamicBatcher.BatchRunner runner = (buffer, count) -> {
            // The first image's caller chains its stage before its batch answers, as a pipeline does.
            chained.await(10, TimeUnit.SECONDS);
            return echo(Duration.ZERO).run(buffer, count);
        };
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 1, Duration.ofMillis(1), 8, 1, runSlots, runner,
                (s, q, r, f) -> {
                }, RESULTS)) {
            CompletableFuture<float[]> first = b.submit(value(1), false);
            CompletableFuture<Void> stage = first.thenRun(() -> {
                stageRunning.countDown();
                try {
                    unblock.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            chained.countDown();
            try {
                assertThat(stageRunning.await(10, TimeUnit.SECONDS)).as("the dependent stage runs").isTrue();
                assertThat(runSlots.tryAcquire(10, TimeUnit.SECONDS)).as("the run slot is free while it blocks")
                        .isTrue();
                runSlots.release();
                assertThat(b.submit(value(2), false).get(10, TimeUnit.SECONDS)).as("the next image is answered")
                        .containsExactly(2, -2);
            } finally {
                unblock.countDown();
            }
            stage.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldRefuseWorkAfterClose() {
        DynamicBatcher b = new DynamicBatcher("t", 2, 2, Duration.ofMillis(5), 8, 1, echo(Duration.ZERO),
                (s, q, r, f) -> {
                }, RESULTS);
        b.close();
        assertThatThrownBy(() -> b.submit(value(1), false).join()).hasMessageContaining("shut down");
    }

    /** Waits until a thread waits for one of {@code permits}, failing the test after 10 s. */
    private static void awaitQueued(Semaphore permits) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!permits.hasQueuedThreads()) {
            assertThat(System.nanoTime()).as("a dispatcher waits for a run slot").isLessThan(deadline);
            Thread.sleep(1);
        }
    }
}
