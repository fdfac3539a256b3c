package com.ffs.validator.runpod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link FakeRunPodQueue} and hands its URL templates to the application as RunPod's variables, with the
 * queue worker switched on: four slots and short backoffs, so that retry tests stay quick. Runtime configuration from
 * a test resource, not a test profile, so that the application is restarted, not built again.
 */
public class FakeRunPodQueueTestResource implements QuarkusTestResourceLifecycleManager {

    static final String API_KEY = "rpa_test-key";
    static final String WORKER_ID = "worker-1";
    static final long PING_INTERVAL_MS = 200;
    static final int MAX_IN_FLIGHT_IMAGES = 200;

    private static FakeRunPodQueue queue;

    @Override
    public Map<String, String> start() {
        try {
            queue = new FakeRunPodQueue(API_KEY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>(queue.environment(WORKER_ID, PING_INTERVAL_MS));
        config.putAll(Map.of(
                "validator.runpod.worker", "true",
                "validator.runpod.concurrency", "4",
                "validator.runpod.backoff-initial", "50ms",
                "validator.runpod.backoff-max", "400ms",
                "validator.runpod.post-attempts", "4",
                "validator.runpod.drain-timeout", "10s",
                // Not the default: the metrics test checks that the capacity gauge reads this application's value.
                "validator.request.max-in-flight-images", Integer.toString(MAX_IN_FLIGHT_IMAGES)));
        return config;
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

    /** One job at a time with a short deadline, for tests of deadlines and stop signals. */
    public static class OneSlot extends FakeRunPodQueueTestResource {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            config.put("validator.runpod.concurrency", "1");
            config.put("validator.runpod.job-timeout", "2s");
            return config;
        }
    }
}
