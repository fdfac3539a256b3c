package com.ffs.validator.runpod;

import java.time.Duration;
import java.util.Optional;

/** RunPodConfig for plain unit tests: the defaults, with quick backoffs and settable grace periods. */
record TestRunPodConfig(int concurrency, Duration jobTimeout, Duration drainTimeout) implements RunPodConfig {

    @Override
    public int maxJobs() {
        return 100;
    }

    @Override
    public Duration resultRetention() {
        return Duration.ofMinutes(30);
    }

    @Override
    public Duration runsyncRetention() {
        return Duration.ofMinutes(1);
    }

    @Override
    public Duration runsyncWait() {
        return Duration.ofSeconds(90);
    }

    @Override
    public boolean worker() {
        return true;
    }

    @Override
    public Optional<String> testInput() {
        return Optional.empty();
    }

    @Override
    public Duration takeTimeout() {
        return Duration.ofSeconds(90);
    }

    @Override
    public int postAttempts() {
        return 3;
    }

    @Override
    public Duration backoffInitial() {
        return Duration.ofMillis(20);
    }

    @Override
    public Duration backoffMax() {
        return Duration.ofMillis(100);
    }

    @Override
    public long maxResultBytes() {
        return 8_388_608;
    }
}
