package com.ffs.validator.runpod;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.ffs.validator.testing.ImageServerTestResource;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The RunPod queue worker against the fake queue, with short backoffs so that retry tests stay quick. */
public class QueueWorkerTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "validator.runpod.worker", "true",
                "validator.runpod.concurrency", "4",
                "validator.runpod.backoff-initial", "50ms",
                "validator.runpod.backoff-max", "400ms",
                "validator.runpod.post-attempts", "4",
                "validator.runpod.drain-timeout", "10s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeRunPodQueueTestResource.class),
                new TestResourceEntry(ImageServerTestResource.class));
    }

    /** The same worker in a separate application, for tests that leave it broken. */
    public static class Fatal extends QueueWorkerTestProfile {
    }

    /** One job at a time with a short deadline, for tests of deadlines and stop signals. */
    public static class Deadlines extends QueueWorkerTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("validator.runpod.concurrency", "1");
            overrides.put("validator.runpod.job-timeout", "2s");
            return overrides;
        }
    }
}
