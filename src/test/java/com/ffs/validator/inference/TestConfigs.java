package com.ffs.validator.inference;

import java.time.Duration;
import java.util.Optional;

/** Hand-built configuration objects for tests that run without Quarkus. */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static InferenceConfig cpu() {
        return withDevice(InferenceConfig.Device.CPU);
    }

    public static ModelsConfig models(java.nio.file.Path dir, boolean demo) {
        return new ModelsConfig() {
            public java.nio.file.Path dir() { return dir; }
            public boolean demo() { return demo; }
            public boolean exitOnFailure() { return false; }
            public Overrides nsfw() { return ModelDirectoryTest.NONE; }
            public Overrides clip() { return ModelDirectoryTest.NONE; }
            public Overrides siglip() { return ModelDirectoryTest.NONE; }
        };
    }

    public static InferenceConfig withDevice(InferenceConfig.Device device) {
        InferenceConfig.Batching batching = new InferenceConfig.Batching() {
            public int maxBatchSize() { return 4; }
            public Duration maxQueueDelay() { return Duration.ofMillis(2); }
            public int maxQueuedImages() { return 16; }
        };
        return new InferenceConfig() {
            public Device device() { return device; }
            public int cudaDeviceId() { return 0; }
            public Optional<Integer> intraOpThreads() { return Optional.of(1); }
            public int interOpThreads() { return 1; }
            public Optional<Integer> concurrentRuns() { return Optional.empty(); }
            public String optimizationLevel() { return "all"; }
            public Batching nsfw() { return batching; }
            public Batching clip() { return batching; }
            public Batching siglip() { return batching; }
        };
    }
}
