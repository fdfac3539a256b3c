package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class EarlyStopsTest {

    private final AtomicLong now = new AtomicLong();
    private final EarlyStops stops = new EarlyStops(2, Duration.ofMinutes(10), now::get);

    @Test
    void aStopShouldBeUsedOnce() {
        stops.add("a");

        assertThat(stops.take("a")).isTrue();
        assertThat(stops.take("a")).isFalse();
        assertThat(stops.take("b")).isFalse();
    }

    @Test
    void theOldestStopsShouldGoBeyondTheCapacity() {
        stops.add("a");
        stops.add("b");
        stops.add("c");

        assertThat(stops.take("a")).isFalse();
        assertThat(stops.take("b")).isTrue();
        assertThat(stops.take("c")).isTrue();
    }

    @Test
    void aStopShouldBeForgottenAfterItsTime() {
        stops.add("a");
        now.addAndGet(Duration.ofMinutes(5).toNanos());
        stops.add("b");
        now.addAndGet(Duration.ofMinutes(6).toNanos());

        assertThat(stops.take("a")).as("11 minutes old").isFalse();
        assertThat(stops.take("b")).as("6 minutes old").isTrue();
    }
}
