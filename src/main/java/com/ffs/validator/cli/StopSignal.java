package com.ffs.validator.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import sun.misc.Signal;

/**
 * Asks a run to stop: Ctrl-C, SIGTERM, or a failure that no request can get past. The first reason wins. Thread-safe.
 */
final class StopSignal {

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile int exitCode = ExitCodes.OK;
    private volatile String reason;

    /** Stops the run with this exit status and one-line reason, unless it was stopped already. */
    synchronized void stop(int code, String why) {
        if (stopped.getCount() == 0) {
            return;
        }
        exitCode = code;
        reason = why;
        stopped.countDown();
    }

    boolean stopped() {
        return stopped.getCount() == 0;
    }

    int exitCode() {
        return exitCode;
    }

    String reason() {
        return reason;
    }

    /** Waits up to {@code timeout} for a stop; true when stopped. */
    boolean await(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Turns SIGINT and SIGTERM into a stop (the JVM would otherwise exit at once); a second one ends the process
     * without waiting further. Lines already written are complete either way.
     */
    void handleSignals(PrintStream err, Duration drainTimeout) {
        for (String name : new String[] { "INT", "TERM" }) {
            int code = name.equals("INT") ? ExitCodes.INTERRUPTED : ExitCodes.TERMINATED;
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (stopped()) {
                        err.println("\nbulk: SIG" + name + " again: exiting without waiting for requests in flight");
                        Runtime.getRuntime().halt(code);
                    }
                    err.println("\nbulk: SIG" + name + ": taking no more input; waiting up to "
                            + drainTimeout.toSeconds() + " s for requests in flight (again to exit now)");
                    stop(code, "stopped by SIG" + name);
                });
            } catch (IllegalArgumentException e) {
                // The signal is not available here (e.g. used by the JVM): the default applies.
            }
        }
    }
}
