package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Waits double up to the cap, are jittered within the upper half, and are never zero. */
class BackoffTest {

    @Test
    void shouldDoubleUpToTheCapWithJitterInTheUpperHalf() {
        for (int run = 0; run < 200; run++) {
            Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
            long[] ceilings = { 100, 200, 400, 800, 1000, 1000, 1000 };
            for (long ceiling : ceilings) {
                long wait = backoff.next().toMillis();
                assertThat(wait).isBetween(ceiling / 2, ceiling);
            }
            assertThat(backoff.failures()).isEqualTo(ceilings.length);
        }
    }

    @Test
    void shouldStartOverAfterASuccess() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }
        backoff.reset();
        assertThat(backoff.next().toMillis()).isBetween(50L, 100L);
    }

    @Test
    void shouldRefuseAZeroStart() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
