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
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The dynamic batcher without ONNX Runtime: a runner that echoes each slot's first value. */
class DynamicBatcherTest {

    private final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

    private DynamicBatcher.BatchRunner echo(Duration runTime) {
        return (buffer, count) -> {
            batchSizes.add(count);
            Thread.sleep(runTime.toMillis());
            float[][] out = new float[count][];
            for (int i = 0; i < count; i++) {
                out[i] = new float[] {buffer.get(i * 2), buffer.get(i * 2 + 1)};
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
                (s, q, r, f) -> { })) {
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
    void shouldRunAPartialBatchAfterTheDelay() throws Exception {
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 8, Duration.ofMillis(50), 16, 1, echo(Duration.ZERO),
                (s, q, r, f) -> { })) {
            long start = System.nanoTime();
            CompletableFuture<float[]> one = b.submit(value(7), false);
            CompletableFuture<float[]> two = b.submit(value(8), false);
            assertThat(one.get(5, TimeUnit.SECONDS)).containsExactly(7, -7);
            assertThat(two.get(5, TimeUnit.SECONDS)).containsExactly(8, -8);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(45).toNanos());
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
        // 2 queued images at batch size 2 plus one running batch: three batches of 2 fit, the seventh image is refused.
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 2, Duration.ofMillis(1), 2, 1, blocking,
                (s, q, r, f) -> { })) {
            List<CompletableFuture<float[]>> accepted = new ArrayList<>();
            CompletableFuture<float[]> refused = null;
            for (int i = 0; i < 10 && refused == null; i++) {
                CompletableFuture<float[]> f = b.submit(value(i), false);
                if (f.isCompletedExceptionally()) {
                    refused = f;
                } else {
                    accepted.add(f);
                }
                Thread.sleep(5);
            }
            assertThat(refused).isNotNull();
            assertThatThrownBy(refused::join).hasCauseInstanceOf(QueueFullException.class);
            assertThat(accepted).hasSizeBetween(2, 6);
            release.countDown();
            for (CompletableFuture<float[]> f : accepted) {
                f.get(5, TimeUnit.SECONDS);
            }
            assertThat(b.submit(value(1), false).get(5, TimeUnit.SECONDS)).hasSize(2);
        }
    }

    @Test
    void shouldFailOnlyTheImageWhoseWriterFailed() throws Exception {
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 2, Duration.ofMillis(20), 8, 1, echo(Duration.ZERO),
                (s, q, r, f) -> { })) {
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
        }, (s, q, r, f) -> { })) {
            CompletableFuture<float[]> f = b.submit(value(1), false);
            assertThatThrownBy(f::join).hasMessageContaining("device lost");
        }
    }

    @Test
    void shouldNeitherLoseNorDuplicateNorMixUpImagesUnderManyThreads() throws Exception {
        int threads = 16;
        int perThread = 200;
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 8, Duration.ofMillis(2), 32, 2, echo(Duration.ZERO),
                (s, q, r, f) -> { })) {
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
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch bothStarted = new CountDownLatch(2);
        DynamicBatcher.BatchRunner overlapping = (buffer, count) -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            bothStarted.countDown();
            bothStarted.await(5, TimeUnit.SECONDS);
            running.decrementAndGet();
            return new float[count][2];
        };
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 2, Duration.ofSeconds(30), 8, 2, overlapping,
                (s, q, r, f) -> { })) {
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
        java.util.concurrent.Semaphore runSlots = new java.util.concurrent.Semaphore(1);
        runSlots.acquire(); // another model's batch is running
        try (DynamicBatcher b = new DynamicBatcher("t", 2, 8, Duration.ofMillis(10), 16, 1, runSlots,
                echo(Duration.ZERO), (s, q, r, f) -> { })) {
            List<CompletableFuture<float[]>> fs = new ArrayList<>();
            fs.add(b.submit(value(1), false));
            Thread.sleep(60); // well past the delay: the batch is due but cannot run
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
    void shouldRefuseWorkAfterClose() {
        DynamicBatcher b = new DynamicBatcher("t", 2, 2, Duration.ofMillis(5), 8, 1, echo(Duration.ZERO),
                (s, q, r, f) -> { });
        b.close();
        assertThatThrownBy(() -> b.submit(value(1), false).join()).hasMessageContaining("shut down");
    }
}
