package com.ffs.validator.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One {@code bulk} run: reads the input, skips what the output already answers, groups the rest into requests of up
 * to {@code --batch} images (and {@code --max-request-bytes}), keeps {@code --concurrency} requests in flight, and
 * writes one line per input as answers arrive.
 *
 * <p>
 * Retries: a request that fails as a whole with 429, 503, 5xx or no connection is sent again after the
 * endpoint's {@code Retry-After} or a growing backoff, until the endpoint has failed every request for
 * {@code --give-up-after}; an image with a transient error goes into a later request up to {@code --retries} more
 * times, then its error is written (and a later run retries it). Bounds: inputs read and not yet written are limited
 * in count and bytes, so a large input streams through a fixed amount of memory; the input reader waits when the
 * bound is reached.
 *
 * <p>
 * Stopping: a {@link StopSignal} (Ctrl-C, SIGTERM, a fatal failure) stops the reading at once; requests in flight
 * get {@code --drain-timeout} to answer and their lines are written; then the output is closed and later answers are
 * dropped. Every line in the file is complete, and a later run sends whatever has no line.
 */
final class BulkRun {

    /** Most malformed input lines reported on standard error; the rest are only in the output. */
    private static final int MALFORMED_SHOWN = 20;
    private static final Duration WARN_EVERY = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long BYTE_BUDGET = 256L << 20;

    private final BulkOptions options;
    private final Backend backend;
    private final ObjectMapper mapper;
    private final Tally tally;
    private final StopSignal stop;
    private final Consumer<String> notes;
    private final LongSupplier nanoTime;
    private final Duration imageRetryDelay;
    private final Duration batchBackoffStart;
    private final ScheduledExecutorService timers;
    private final ExecutorService senders;
    /** Answers are handled here, off the threads that complete them (the service's own, in-process). */
    private final ExecutorService writer;
    private final Semaphore inFlight;
    private final Semaphore unfinished;
    private final Semaphore kibibytes;
    private final int kibibyteBudget;
    private final DelayQueue<Item> retries = new DelayQueue<>();
    private final Set<Batch> waiting = ConcurrentHashMap.newKeySet();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong inputs = new AtomicLong();
    private final CountDownLatch readerDone = new CountDownLatch(1);
    private volatile long lastSuccess;
    private volatile long lastWarning;
    private ResultsFile output;
    private ResultsFile.Resumed resumed;
    private List<Item> batch = new ArrayList<>();
    private long batchBytes;
    private int malformedShown;

    BulkRun(BulkOptions options, Backend backend, ObjectMapper mapper, Tally tally, StopSignal stop,
            Consumer<String> notes, LongSupplier nanoTime, Duration imageRetryDelay, Duration batchBackoffStart) {
        this.options = options;
        this.backend = backend;
        this.mapper = mapper;
        this.tally = tally;
        this.stop = stop;
        this.notes = notes;
        this.nanoTime = nanoTime;
        this.imageRetryDelay = imageRetryDelay;
        this.batchBackoffStart = batchBackoffStart;
        this.timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulk-retry").daemon(true)
                .factory());
        this.senders = Executors.newFixedThreadPool(options.concurrency(), Thread.ofPlatform().name("bulk-send-", 0)
                .daemon(true).factory());
        this.writer = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("bulk-write").daemon(true).factory());
        this.inFlight = new Semaphore(options.concurrency());
        this.unfinished = new Semaphore((int) Math.min(Integer.MAX_VALUE / 2,
                2L * options.batch() * options.concurrency()));
        this.kibibyteBudget = (int) (Math.max(BYTE_BUDGET, 2 * options.maxRequestBytes()) >> 10);
        this.kibibytes = new Semaphore(kibibyteBudget);
    }

    /** Inputs seen so far (not counting blank lines). */
    long inputs() {
        return inputs.get();
    }

    /**
     * Runs until every input has a line or the run is stopped; closes the output.
     *
     * @return the exit status
     */
    int run(InputReader input, ResultsFile out) throws InterruptedException, IOException {
        this.output = out;
        this.resumed = out.resumed();
        this.lastSuccess = nanoTime.getAsLong();
        Thread reader = Thread.ofPlatform().name("bulk-input").daemon(true).start(() -> read(input));
        while (!readerDone.await(POLL.toMillis(), TimeUnit.MILLISECONDS) && !stop.stopped()) {
            // The reader may block on standard input; a stop must not wait for it.
        }
        if (stop.stopped()) {
            abandonWaiting();
            if (!inFlight.tryAcquire(options.concurrency(), options.drainTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                notes.accept("bulk: requests still in flight after " + Progress.duration(options.drainTimeout())
                        + " are dropped; a later run sends them again");
            }
        }
        out.close();
        backend.close();
        timers.shutdownNow();
        senders.shutdownNow();
        writer.shutdownNow();
        reader.interrupt();
        if (stop.stopped()) {
            notes.accept("bulk: " + stop.reason());
            return stop.exitCode();
        }
        return answered.get() == inputs.get() ? ExitCodes.OK : ExitCodes.INCOMPLETE;
    }

    private void read(InputReader input) {
        boolean inputDone = false;
        try {
            while (!stop.stopped()) {
                Item ready = retries.poll();
                if (ready != null) {
                    add(ready);
                    continue;
                }
                if (!inputDone) {
                    InputRecord record = input.next();
                    if (record == null) {
                        inputDone = true;
                    } else {
                        take(record);
                    }
                    continue;
                }
                flush();
                if (pending.get() == 0) {
                    break;
                }
                Item next = retries.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (next != null) {
                    add(next);
                }
            }
        } catch (IOException e) {
            stop.stop(ExitCodes.USAGE, "cannot read " + (options.input().equals("-") ? "standard input"
                    : options.input()) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            stop.stop(ExitCodes.INCOMPLETE, "unexpected failure: " + e);
        } finally {
            if (stop.stopped()) {
                abandon(batch);
                batch = new ArrayList<>();
                List<Item> left = new ArrayList<>();
                retries.drainTo(left);
                abandon(left);
            }
            readerDone.countDown();
        }
    }

    private void take(InputRecord record) throws InterruptedException {
        inputs.incrementAndGet();
        if (resumed.done().contains(record.line())) {
            answered.incrementAndGet();
            check(record);
            return;
        }
        if (record.isMalformed()) {
            if (malformedShown++ < MALFORMED_SHOWN) {
                notes.accept("bulk: input line " + record.line() + " skipped: " + record.malformed()
                        + (malformedShown == MALFORMED_SHOWN ? " (further malformed lines are only in the output)"
                                : ""));
            }
            write(new Item(record, 0), OutputLine.error(mapper, record, ErrorClasses.MALFORMED_INPUT,
                    record.malformed()), false);
            return;
        }
        int kib = (int) Math.min(kibibyteBudget, Math.max(1, record.url().length() >> 10));
        Item item = new Item(record, kib);
        if (!acquire(unfinished, 1)) {
            return;
        }
        if (!acquire(kibibytes, kib)) {
            unfinished.release();
            return;
        }
        pending.incrementAndGet();
        add(item);
    }

    /** Takes permits, sending what is ready while it waits (so that waiting cannot hold up the work it waits on). */
    private boolean acquire(Semaphore semaphore, int permits) throws InterruptedException {
        while (!semaphore.tryAcquire(permits, POLL.toMillis(), TimeUnit.MILLISECONDS)) {
            if (stop.stopped()) {
                return false;
            }
            Item ready;
            while ((ready = retries.poll()) != null) {
                add(ready);
            }
            flush();
        }
        return true;
    }

    /** An input of an earlier run's output must be the same input now: compares the lowest-numbered ones. */
    private void check(InputRecord record) {
        ResultsFile.Key key = resumed.sample().get(record.line());
        if (key == null || key.url() == null) {
            return;
        }
        String url = record.url() == null ? null : Shown.of(record.url());
        if (!Objects.equals(key.url(), url) || !Objects.equals(key.id(), record.id())) {
            stop.stop(ExitCodes.USAGE, "output file " + output.path() + " holds results of other input: its line for "
                    + "input line " + record.line() + " is " + key.url() + ", the input has " + url
                    + "; give another --output");
        }
    }

    private void add(Item item) throws InterruptedException {
        if (!batch.isEmpty() && batchBytes + item.bytes() > options.maxRequestBytes()) {
            flush();
        }
        batch.add(item);
        batchBytes += item.bytes();
        if (batch.size() >= options.batch()) {
            flush();
        }
    }

    private void flush() throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        List<Item> items = batch;
        batch = new ArrayList<>();
        batchBytes = 0;
        while (!inFlight.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
            if (stop.stopped()) {
                abandon(items);
                return;
            }
        }
        Batch b = new Batch(items, new Backoff(batchBackoffStart, Duration.ofSeconds(30)));
        senders.execute(() -> attempt(b));
    }

    private void attempt(Batch b) {
        if (stop.stopped()) {
            abandon(b.items);
            inFlight.release();
            return;
        }
        CompletableFuture<List<ObjectNode>> sent;
        try {
            sent = backend.send(b.items.stream().map(i -> i.record.url()).toList());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenCompleteAsync((results, e) -> {
            try {
                completed(b, results, e);
            } catch (RuntimeException unexpected) {
                stop.stop(ExitCodes.INCOMPLETE, "unexpected failure: " + unexpected);
                abandon(b.items);
                inFlight.release();
            }
        }, writer);
    }

    private void completed(Batch b, List<ObjectNode> results, Throwable e) {
        if (e == null && results.size() != b.items.size()) {
            e = BatchFailure.fatal(ExitCodes.UNAVAILABLE, backend.describe() + " answered " + results.size()
                    + " results for " + b.items.size() + " images");
        }
        if (e == null) {
            lastSuccess = nanoTime.getAsLong();
            for (int i = 0; i < results.size(); i++) {
                answer(b.items.get(i), results.get(i));
            }
            inFlight.release();
            return;
        }
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        BatchFailure failure = cause instanceof BatchFailure bf ? bf
                : BatchFailure.failed("request failed: " + cause.getMessage());
        if (failure.kind() == BatchFailure.Kind.FATAL) {
            stop.stop(failure.exitCode(), failure.getMessage());
            finish(b, null);
            return;
        }
        long failingNanos = nanoTime.getAsLong() - lastSuccess;
        if (failingNanos > options.giveUpAfter().toNanos()) {
            String last = failure.getMessage();
            if (last.startsWith(backend.describe())) {
                last = last.substring(backend.describe().length()).replaceFirst("^:?\\s*", "");
            }
            stop.stop(ExitCodes.UNAVAILABLE, backend.describe() + " has failed every request for "
                    + Progress.duration(Duration.ofNanos(failingNanos)) + "; last: " + last);
            finish(b, null);
            return;
        }
        if (failure.kind() == BatchFailure.Kind.FAILED && ++b.failures > options.retries()) {
            finish(b, failure.getMessage());
            return;
        }
        Duration delay = failure.retryAfter().orElseGet(b.backoff::next);
        warn(failure.getMessage() + "; sending again in " + Progress.duration(delay));
        waiting.add(b);
        timers.schedule(() -> {
            if (waiting.remove(b)) {
                senders.execute(() -> attempt(b));
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Ends a batch that will not be sent again: its images get a request error line, or none when stopping. */
    private void finish(Batch b, String requestError) {
        if (requestError == null || stop.stopped()) {
            abandon(b.items);
        } else {
            for (Item item : b.items) {
                write(item, OutputLine.error(mapper, item.record, ErrorClasses.REQUEST_FAILED, requestError), true);
            }
        }
        inFlight.release();
    }

    private void answer(Item item, ObjectNode result) {
        JsonNode error = result.get("error");
        if (error != null && error.isObject() && !stop.stopped() && item.attempts <= options.retries()
                && ErrorClasses.isTransient(error.path("code").asText(null), error.path("message").asText(null))) {
            item.attempts++;
            item.readyAt = nanoTime.getAsLong() + imageRetryDelay.toNanos() * (1L << Math.min(5, item.attempts - 2));
            retries.add(item);
            return;
        }
        write(item, OutputLine.of(mapper, item.record, result), true);
    }

    /** Writes an input's line; {@code held} when the item holds permits to give back. */
    private void write(Item item, ObjectNode line, boolean held) {
        try {
            byte[] bytes = mapper.writeValueAsBytes(line);
            byte[] withEnd = Arrays.copyOf(bytes, bytes.length + 1);
            withEnd[bytes.length] = '\n';
            if (output.write(withEnd)) {
                JsonNode error = line.get("error");
                tally.add(error == null ? null : error.path("code").asText("UNKNOWN"), false);
                answered.incrementAndGet();
            }
        } catch (JsonProcessingException e) {
            stop.stop(ExitCodes.INCOMPLETE, "cannot write a result line: " + e.getOriginalMessage());
        } catch (IOException e) {
            stop.stop(ExitCodes.INCOMPLETE, "cannot write to " + output.path() + ": " + e.getMessage());
        } finally {
            if (held) {
                release(item);
            }
        }
    }

    private void abandon(List<Item> items) {
        for (Item item : items) {
            release(item);
        }
    }

    /** Gives back the permits of batches waiting to be sent again, once stopping. */
    private void abandonWaiting() {
        for (Batch b : List.copyOf(waiting)) {
            if (waiting.remove(b)) {
                abandon(b.items);
                inFlight.release();
            }
        }
    }

    private void release(Item item) {
        unfinished.release();
        kibibytes.release(item.kib);
        pending.decrementAndGet();
    }

    private void warn(String message) {
        long now = nanoTime.getAsLong();
        if (now - lastWarning >= WARN_EVERY.toNanos() || lastWarning == 0) {
            lastWarning = now;
            notes.accept("bulk: " + backend.describe() + ": " + message);
        }
    }

    /** A request's images, its backoff and how often it failed as a whole. */
    private static final class Batch {
        final List<Item> items;
        final Backoff backoff;
        int failures;

        Batch(List<Item> items, Backoff backoff) {
            this.items = items;
            this.backoff = backoff;
        }
    }

    /** One input on its way: how often it was sent, and when it may be sent again. */
    private final class Item implements Delayed {
        final InputRecord record;
        final int kib;
        int attempts = 1;
        long readyAt;

        Item(InputRecord record, int kib) {
            this.record = record;
            this.kib = kib;
        }

        long bytes() {
            return record.url() == null ? 0 : record.url().length();
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(readyAt - nanoTime.getAsLong(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(readyAt, ((Item) other).readyAt);
        }
    }
}
