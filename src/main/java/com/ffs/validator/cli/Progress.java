package com.ffs.validator.cli;

import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Shows how a run is going on standard error: on a terminal a bar redrawn in place (done/total, images per second,
 * ETA, errors), otherwise one line every few seconds; then a summary with counts per outcome and per error code.
 */
final class Progress implements AutoCloseable {

    private static final Duration BAR_EVERY = Duration.ofMillis(250);
    private static final Duration LINE_EVERY = Duration.ofSeconds(5);
    private static final int BAR_WIDTH = 24;

    private final PrintStream err;
    private final boolean bar;
    private final Tally tally;
    private final LongSupplier nanoTime;
    private volatile long startNanos;
    private volatile long total;
    private ScheduledExecutorService timer;

    /**
     * @param total inputs in all, or -1 when unknown (standard input)
     */
    Progress(PrintStream err, boolean bar, Tally tally, long total, LongSupplier nanoTime) {
        this.err = err;
        this.bar = bar;
        this.tally = tally;
        this.total = total;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
    }

    /** Whether standard error is a terminal, for the bar. */
    static boolean terminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** Starts showing progress; rates count from now. */
    synchronized void start() {
        startNanos = nanoTime.getAsLong();
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bulk-progress").daemon(true)
                .factory());
        long every = (bar ? BAR_EVERY : LINE_EVERY).toMillis();
        timer.scheduleAtFixedRate(this::show, every, every, TimeUnit.MILLISECONDS);
    }

    /** Sets the total once known. */
    void total(long inputs) {
        total = inputs;
    }

    /** Prints a message on a line of its own (above the bar, when there is one). */
    synchronized void note(String message) {
        if (bar && timer != null) {
            err.print("\r\u001b[K");
        }
        err.println(message);
        err.flush();
    }

    private synchronized void show() {
        String status = status();
        if (bar) {
            err.print("\r" + status + "\u001b[K");
        } else {
            err.println("bulk: " + status);
        }
        err.flush();
    }

    /** The progress as one line: done/total, rate, ETA, errors. */
    String status() {
        long done = tally.lines();
        double seconds = Math.max(1e-3, (nanoTime.getAsLong() - startNanos) / 1e9);
        double rate = tally.thisRun() / seconds;
        StringBuilder out = new StringBuilder();
        long all = total;
        if (bar && all > 0) {
            int filled = (int) Math.min(BAR_WIDTH, BAR_WIDTH * done / all);
            out.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
        }
        out.append(String.format(Locale.ROOT, "%,d", done));
        if (all >= 0) {
            out.append(String.format(Locale.ROOT, "/%,d (%.1f%%)", all, all == 0 ? 100.0 : 100.0 * done / all));
        }
        out.append(String.format(Locale.ROOT, ", %.1f images/s", rate));
        if (all >= 0) {
            long left = Math.max(0, all - done);
            out.append(", ETA ").append(left == 0 ? "0s"
                    : rate > 0 ? duration(Duration.ofSeconds(
                            (long) Math.ceil(left / rate))) : "unknown");
        }
        out.append(String.format(Locale.ROOT, ", %,d errors", tally.errors()));
        return out.toString();
    }

    /** The end-of-run summary: lines by outcome and error code, and what this run did. */
    String summary(long inputs) {
        StringJoiner codes = new StringJoiner(", ");
        for (Map.Entry<String, Long> e : tally.byCode().entrySet()) {
            codes.add(e.getKey() + " " + String.format(Locale.ROOT, "%,d", e.getValue()));
        }
        double seconds = Math.max(1e-3, (nanoTime.getAsLong() - startNanos) / 1e9);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "bulk: %,d inputs: %,d results, %,d errors", inputs, tally.ok(),
                tally.errors()));
        if (tally.errors() > 0) {
            out.append(" (").append(codes).append(')');
        }
        long missing = inputs - tally.lines();
        if (missing > 0) {
            out.append(String.format(Locale.ROOT, ", %,d without a line yet", missing));
        }
        out.append(String.format(Locale.ROOT, "%nbulk: this run wrote %,d lines in %s (%.1f images/s)",
                tally.thisRun(), duration(Duration.ofMillis((long) (seconds * 1000))), tally.thisRun() / seconds));
        if (tally.earlier() > 0) {
            out.append(String.format(Locale.ROOT, "; %,d lines are from earlier runs", tally.earlier()));
        }
        return out.toString();
    }

    /** Stops the display; a bar is ended with its last state. */
    @Override
    public synchronized void close() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        timer = null;
        if (bar) {
            err.print("\r" + status() + "\u001b[K\n");
            err.flush();
        }
    }

    static String duration(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return d.toMillis() < 10_000 && d.toMillis() % 1000 != 0
                    ? String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0)
                    : s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
    }
}
