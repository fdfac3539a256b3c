package com.ffs.validator.runpod;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.quarkus.logging.Log;

/**
 * RunPod's heartbeat: every {@code RUNPOD_PING_INTERVAL} a GET to the ping URL with the ids of the jobs in flight. It
 * runs on a platform thread of its own with its own HTTP client, outside every job, decode and inference pool, so
 * that busy inference cannot starve it (a starved heartbeat gets a worker killed mid-job).
 */
final class Heartbeat implements AutoCloseable {

    private static final int TRIES = 3;

    private final RunPodClient client;
    private final WebhookUrls urls;
    private final Duration interval;
    private final String version;
    private final Supplier<Collection<String>> jobIds;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Thread thread;
    private boolean failing;

    Heartbeat(RunPodClient client, WebhookUrls urls, Duration interval, String version,
            Supplier<Collection<String>> jobIds) {
        this.client = client;
        this.urls = urls;
        this.interval = interval;
        this.version = version;
        this.jobIds = jobIds;
    }

    synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = Thread.ofPlatform().name("runpod-heartbeat").daemon(true).priority(Thread.MAX_PRIORITY)
                .start(this::loop);
        Log.infof("Heartbeat every %d ms", interval.toMillis());
    }

    private void loop() {
        try {
            do {
                long next = System.nanoTime() + interval.toNanos();
                pingOnce();
                long wait = next - System.nanoTime();
                if (wait > 0 && stopped.await(wait, TimeUnit.NANOSECONDS)) {
                    return;
                }
            } while (stopped.getCount() > 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One heartbeat, retried on 429, 5xx and I/O errors; its answer is otherwise ignored, as runpod-python does. */
    void pingOnce() throws InterruptedException {
        String problem = null;
        for (int attempt = 1; attempt <= TRIES; attempt++) {
            try {
                int status = client.ping(urls.ping(jobIds.get(), version), interval.multipliedBy(2));
                if (status != 429 && status < 500) {
                    if (failing) {
                        Log.infof("Heartbeat answered again (HTTP %d)", status);
                        failing = false;
                    }
                    return;
                }
                problem = "HTTP " + status;
            } catch (IOException e) {
                problem = e.toString();
            }
            if (attempt < TRIES && stopped.await(Math.min(1000L * attempt, interval.toMillis()),
                    TimeUnit.MILLISECONDS)) {
                return;
            }
        }
        if (!failing) {
            Log.warnf("Heartbeat failed after %d tries: %s", TRIES, problem);
            failing = true;
        }
    }

    /** Stops the heartbeat and waits (bounded) for its thread; holds no lock meanwhile. */
    @Override
    public void close() {
        stopped.countDown();
        Thread running = thread;
        if (running != null) {
            try {
                running.join(interval.multipliedBy(2).toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
