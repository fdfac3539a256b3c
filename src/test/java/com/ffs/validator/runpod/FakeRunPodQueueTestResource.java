package com.ffs.validator.runpod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a {@link FakeRunPodQueue} and hands its URL templates to the application as RunPod's variables. */
public class FakeRunPodQueueTestResource implements QuarkusTestResourceLifecycleManager {

    static final String API_KEY = "rpa_test-key";
    static final String WORKER_ID = "worker-1";
    static final long PING_INTERVAL_MS = 200;

    private static FakeRunPodQueue queue;

    @Override
    public Map<String, String> start() {
        try {
            queue = new FakeRunPodQueue(API_KEY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return queue.environment(WORKER_ID, PING_INTERVAL_MS);
    }

    /** The running fake. */
    static FakeRunPodQueue queue() {
        return queue;
    }

    @Override
    public void stop() {
        if (queue != null) {
            queue.close();
        }
    }
}
