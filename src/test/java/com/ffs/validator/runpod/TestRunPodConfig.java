package com.ffs.validator.runpod;

import java.time.Duration;
import java.util.Optional;

/** RunPodConfig for plain unit tests: the defaults, with quick backoffs and settable limits. */
final class TestRunPodConfig implements RunPodConfig {

    private final int concurrency;
    private final Duration jobTimeout;
    private final Duration drainTimeout;
    int maxJobs = 100;
    int postAttempts = 3;
    Duration backoffInitial = Duration.ofMillis(20);
    Duration backoffMax = Duration.ofMillis(100);

    TestRunPodConfig(int concurrency, Duration jobTimeout, Duration drainTimeout) {
        this.concurrency = concurrency;
        this.jobTimeout = jobTimeout;
        this.drainTimeout = drainTimeout;
    }

    @Override
    public int concurrency() {
        return concurrency;
    }

    @Override
    public Duration jobTimeout() {
        return jobTimeout;
    }

    @Override
    public Duration drainTimeout() {
        return drainTimeout;
    }

    @Override
    public int maxJobs() {
        return maxJobs;
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
        return postAttempts;
    }

    @Override
    public Duration backoffInitial() {
        return backoffInitial;
    }

    @Override
    public Duration backoffMax() {
        return backoffMax;
    }

    @Override
    public long maxResultBytes() {
        return 8_388_608;
    }
}
