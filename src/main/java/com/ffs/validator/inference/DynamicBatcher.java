package com.ffs.validator.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * Collects single images from any number of threads into batches for one model, like Triton's dynamic batcher: a
 * batch runs when it holds {@code maxBatchSize} images or when its oldest image has waited {@code maxQueueDelay}.
 *
 * <p>
 * Callers write their preprocessed image straight into a slot of the batch's direct buffer, which becomes the
 * ONNX Runtime input without a copy. Buffers come from a fixed pool, so the queue is bounded: when every buffer is
 * taken, {@link #submit} refuses (or, for callers that must not fail, waits). Each image's future gets exactly its
 * own row of the output.
 *
 * <p>
 * Like Triton, a batch is formed when it can run: a dispatcher first takes a run slot (shared by all models, as many
 * as the device runs at once) and only then closes the open batch, so while other batches run, images keep joining
 * it up to {@code maxBatchSize}.
 *
 * <p>
 * A batch's rows are copied out of the run, then the run slot and the buffer are given back, and only then are
 * the images' futures completed, on the {@code completions} executor: whatever callers chain onto them (scores,
 * responses) never runs on a dispatcher while it holds a run slot, and a slow caller never stalls the model.
 */
final class DynamicBatcher implements AutoCloseable {

    /** Fills one image's slot; the slot's position starts at 0 and its capacity is the image's float count. */
    @FunctionalInterface
    interface SlotWriter {
        void write(FloatBuffer slot) throws Exception;
    }

    /** Runs a batch: the buffer holds {@code count} images from position 0; returns one output row per image. */
    @FunctionalInterface
    interface BatchRunner {
        float[][] run(FloatBuffer batch, int count) throws Exception;
    }

    /** Observes batches as they run, for metrics. */
    @FunctionalInterface
    interface BatchListener {
        void batchRan(int size, long queueNanos, long runNanos, boolean failed);
    }

    private final String name;
    private final int itemSize;
    private final int maxBatchSize;
    private final long maxDelayNanos;
    private final int poolSize;
    private final Semaphore runSlots;
    private final BatchRunner runner;
    private final BatchListener listener;
    private final Executor completions;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition bufferFreed = lock.newCondition();
    private final Deque<FloatBuffer> freeBuffers = new ArrayDeque<>();
    private final Deque<Batch> ready = new ArrayDeque<>();
    private final List<Thread> dispatchers = new ArrayList<>();
    private int allocatedBuffers;
    private Batch open;
    private boolean closing;

    DynamicBatcher(String name, int itemSize, int maxBatchSize, Duration maxQueueDelay, int maxQueuedImages,
            int instances, BatchRunner runner, BatchListener listener, Executor completions) {
        this(name, itemSize, maxBatchSize, maxQueueDelay, maxQueuedImages, instances, new Semaphore(instances), runner,
                listener, completions);
    }

    /**
     * @param runSlots permits to run a batch, shared by the batchers of all models so that at most as many batches
     *        run at once as the device takes; a batcher takes its batch only once it holds a permit
     * @param completions completes the images' futures once a batch has run; when it refuses (full or shut down) the
     *        dispatcher completes them itself, after it has given its run slot back
     */
    DynamicBatcher(String name, int itemSize, int maxBatchSize, Duration maxQueueDelay, int maxQueuedImages,
            int instances, Semaphore runSlots, BatchRunner runner, BatchListener listener, Executor completions) {
        if (itemSize <= 0 || maxBatchSize <= 0 || maxQueuedImages <= 0 || instances <= 0) {
            throw new IllegalArgumentException("item size, batch size, queue size and instances must be positive");
        }
        this.name = name;
        this.itemSize = itemSize;
        this.maxBatchSize = maxBatchSize;
        this.maxDelayNanos = maxQueueDelay.toNanos();
        this.poolSize = Math.ceilDiv(maxQueuedImages, maxBatchSize) + instances;
        this.runSlots = runSlots;
        this.runner = runner;
        this.listener = listener;
        this.completions = completions;
        for (int i = 0; i < instances; i++) {
            Thread t = Thread.ofPlatform().name("batcher-" + name + "-" + i).daemon(true).start(this::dispatchLoop);
            dispatchers.add(t);
        }
    }

    /**
     * Queues one image. The writer runs on the calling thread, outside any lock.
     *
     * @param waitWhenFull block until a buffer frees instead of refusing
     * @return the image's output row; fails with {@link QueueFullException} when full, or with the writer's error
     */
    CompletableFuture<float[]> submit(SlotWriter writer, boolean waitWhenFull) {
        Batch batch;
        int index;
        CompletableFuture<float[]> future = new CompletableFuture<>();
        lock.lock();
        try {
            while (true) {
                if (closing) {
                    return CompletableFuture.failedFuture(new IllegalStateException(name + " batcher is shut down"));
                }
                if (open != null) {
                    break;
                }
                FloatBuffer buffer = takeBuffer();
                if (buffer != null) {
                    open = new Batch(buffer, maxBatchSize, System.nanoTime());
                    work.signalAll();
                    break;
                }
                if (!waitWhenFull) {
                    return CompletableFuture.failedFuture(new QueueFullException(name));
                }
                bufferFreed.awaitUninterruptibly();
            }
            batch = open;
            index = batch.reserved++;
            batch.futures[index] = future;
            batch.traces[index] = Context.current();
            if (batch.reserved == maxBatchSize) {
                closeOpenBatch();
            }
        } finally {
            lock.unlock();
        }

        FloatBuffer slot = batch.buffer.duplicate().position(index * itemSize).limit((index + 1) * itemSize).slice();
        Throwable failure = null;
        try {
            writer.write(slot);
            if (slot.position() != itemSize) {
                throw new IllegalStateException(name + ": wrote " + slot.position() + " floats, expected " + itemSize);
            }
        } catch (Throwable e) {
            failure = e;
            for (int i = 0; i < itemSize; i++) {
                slot.put(i, 0f);
            }
        }
        lock.lock();
        try {
            batch.failed[index] = failure != null;
            batch.written++;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            future.completeExceptionally(failure);
        }
        return future;
    }

    /** Images reserved in batches that have not started running. */
    int queued() {
        lock.lock();
        try {
            int n = open == null ? 0 : open.reserved;
            for (Batch b : ready) {
                n += b.reserved;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new work, runs what is queued, then stops the dispatch threads (waiting up to {@code timeout}). */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    void close(Duration timeout) {
        lock.lock();
        try {
            closing = true;
            if (open != null) {
                closeOpenBatch();
            }
            work.signalAll();
            bufferFreed.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : dispatchers) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private FloatBuffer takeBuffer() {
        FloatBuffer buffer = freeBuffers.poll();
        if (buffer == null && allocatedBuffers < poolSize) {
            allocatedBuffers++;
            buffer = ByteBuffer.allocateDirect(maxBatchSize * itemSize * Float.BYTES).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }
        return buffer;
    }

    private void closeOpenBatch() {
        ready.add(open);
        open = null;
        work.signalAll();
    }

    private void dispatchLoop() {
        while (true) {
            lock.lock();
            try {
                if (!awaitWork()) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            // Only a dispatcher that can run at once takes a batch: while it waits for a run slot (another model's
            // batch is running), the open batch keeps filling up to the largest batch.
            runSlots.acquireUninterruptibly();
            Batch batch;
            lock.lock();
            try {
                batch = take();
                if (batch == null) {
                    runSlots.release();
                    continue;
                }
            } finally {
                lock.unlock();
            }
            Outcome outcome;
            try {
                outcome = run(batch);
            } finally {
                runSlots.release();
                lock.lock();
                try {
                    batch.buffer.clear();
                    freeBuffers.add(batch.buffer);
                    bufferFreed.signalAll();
                    work.signalAll();
                } finally {
                    lock.unlock();
                }
            }
            try {
                completions.execute(() -> complete(batch, outcome));
            } catch (RejectedExecutionException e) {
                complete(batch, outcome);
            }
        }
    }

    /** Waits until a batch is due: a closed one fully written, or the open one past its delay. False when shut down. */
    private boolean awaitWork() {
        while (true) {
            Batch head = ready.peek();
            if (head != null && head.written == head.reserved) {
                return true;
            }
            if (open != null && open.reserved > 0 && (closing || due(open))) {
                return true;
            }
            if (closing && head == null && open == null) {
                return false;
            }
            try {
                if (open != null && open.reserved > 0) {
                    work.awaitNanos(Math.max(open.openedNanos + maxDelayNanos - System.nanoTime(), 1));
                } else {
                    work.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Takes the next batch to run, once a run slot is held: the oldest closed batch, else the open one (closed now,
     * with whatever it gathered meanwhile); waits for slots still being written. Null when another instance took it.
     */
    private Batch take() {
        Batch batch = ready.peek();
        if (batch == null && open != null && open.reserved > 0) {
            closeOpenBatch();
            batch = ready.peek();
        }
        if (batch == null) {
            return null;
        }
        ready.poll();
        // Writers reserved these slots and are filling them now (no lock held, nothing else awaited).
        while (batch.written < batch.reserved) {
            work.awaitUninterruptibly();
        }
        return batch;
    }

    private boolean due(Batch batch) {
        return System.nanoTime() - batch.openedNanos >= maxDelayNanos;
    }

    /** What a batch run gave: one row per image, or the failure of the whole batch. */
    private record Outcome(float[][] rows, Throwable failure) {
    }

    /**
     * Runs a batch; the rows are plain arrays, independent of the buffer, which is reused once this returns. Images
     * whose futures are already done (cancelled by their caller, or failed while written) are left out: the live ones
     * are moved together first, so the model never computes an image nobody waits for.
     */
    private Outcome run(Batch batch) {
        int count = batch.compact(itemSize);
        long start = System.nanoTime();
        long queueNanos = start - batch.openedNanos;
        if (count == 0) {
            return new Outcome(new float[0][], null);
        }
        Outcome outcome;
        Span span = BatchSpans.start(name, batch.traces, batch.liveIndex, count);
        try (Scope s = span.makeCurrent()) {
            batch.buffer.position(0).limit(count * itemSize);
            float[][] rows = runner.run(batch.buffer, count);
            if (rows.length != count) {
                throw new IllegalStateException(name + ": runner returned " + rows.length + " rows for " + count);
            }
            outcome = new Outcome(rows, null);
        } catch (Throwable e) {
            outcome = new Outcome(null, e);
        }
        BatchSpans.end(span, outcome.failure());
        try {
            listener.batchRan(count, queueNanos, System.nanoTime() - start, outcome.failure() != null);
        } catch (RuntimeException e) {
            // Metrics must never cost an image its answer.
        }
        return outcome;
    }

    /** Hands each image that ran its row, or the batch's failure; the others are already answered. */
    private static void complete(Batch batch, Outcome outcome) {
        for (int k = 0; k < batch.live; k++) {
            CompletableFuture<float[]> future = batch.futures[batch.liveIndex[k]];
            if (outcome.failure() != null) {
                future.completeExceptionally(outcome.failure());
            } else {
                future.complete(outcome.rows()[k]);
            }
        }
    }

    /** One batch being filled or waiting to run. */
    private static final class Batch {
        final FloatBuffer buffer;
        final long openedNanos;
        final CompletableFuture<float[]>[] futures;
        /** The trace context each image was queued with: its batch's span links to them. */
        final Context[] traces;
        final boolean[] failed;
        /** Slot of each image that runs, in buffer order, after {@link #compact}. */
        final int[] liveIndex;
        int reserved;
        int written;
        int live;

        @SuppressWarnings("unchecked")
        Batch(FloatBuffer buffer, int capacity, long openedNanos) {
            this.buffer = buffer;
            this.openedNanos = openedNanos;
            this.futures = new CompletableFuture[capacity];
            this.traces = new Context[capacity];
            this.failed = new boolean[capacity];
            this.liveIndex = new int[capacity];
        }

        /** Moves the slots of images still waited for to the front, in order; returns how many there are. */
        int compact(int itemSize) {
            live = 0;
            for (int i = 0; i < reserved; i++) {
                if (failed[i] || futures[i].isDone()) {
                    continue;
                }
                if (live != i) {
                    FloatBuffer from = buffer.duplicate().position(i * itemSize).limit((i + 1) * itemSize);
                    buffer.duplicate().position(live * itemSize).put(from);
                }
                liveIndex[live++] = i;
            }
            return live;
        }
    }
}
