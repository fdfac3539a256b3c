package com.ffs.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The progress line and the summary, on a fake clock. */
class ProgressTest {

    @Test
    void shouldShowDoneTotalRateEtaAndErrors() {
        AtomicLong now = new AtomicLong();
        Tally tally = new Tally();
        tally.add(null, true);
        Progress progress = new Progress(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                true, tally, 1001, now::get);
        progress.start();
        progress.close();
        for (int i = 0; i < 200; i++) {
            tally.add(i % 50 == 0 ? "FETCH_TIMEOUT" : null, false);
        }
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        // 201 of 1,001 done, 200 in 10 s by this run: 20 images/s, 800 left: 40 s.
        assertThat(progress.status()).isEqualTo("[####....................] 201/1,001 (20.1%), 20.0 images/s, ETA 40s, "
                + "4 errors");
        assertThat(progress.summary(1001)).isEqualTo("bulk: 1,001 inputs: 197 results, 4 errors (FETCH_TIMEOUT 4), "
                + "800 without a line yet\nbulk: this run wrote 200 lines in 10s (20.0 images/s); 1 lines are from "
                + "earlier runs".replace("\n", System.lineSeparator()));
    }

    @Test
    void shouldFormatDurations() {
        assertThat(Progress.duration(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Progress.duration(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(Progress.duration(Duration.ofSeconds(125))).isEqualTo("2m05s");
        assertThat(Progress.duration(Duration.ofSeconds(7322))).isEqualTo("2h02m");
    }
}
