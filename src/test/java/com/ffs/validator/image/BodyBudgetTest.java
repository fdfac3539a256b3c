package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class BodyBudgetTest {

    @Test
    void shouldPauseDownloadsOnceTheBudgetIsSpentAndResumeThemWhenADecodedBodyGivesItsBytesBack() {
        BodyBudget budget = new BodyBudget(100);
        AtomicInteger resumed = new AtomicInteger();
        BodyBudget.Share a = budget.share();
        BodyBudget.Share b = budget.share();
        BodyBudget.Share c = budget.share();

        assertThat(a.charge(60, resumed::incrementAndGet)).isTrue();
        a.downloaded();
        assertThat(b.charge(30, resumed::incrementAndGet)).isTrue();
        // 110 > 100 while a finished body waits for its decoder: no overdraft, c pauses.
        assertThat(c.charge(20, resumed::incrementAndGet)).isFalse();
        assertThat(budget.pausedCount()).isEqualTo(1);
        assertThat(b.charge(10, resumed::incrementAndGet)).isFalse();
        assertThat(resumed).hasValue(0);

        a.close();

        assertThat(budget.used()).isEqualTo(60);
        assertThat(resumed).hasValue(2);
        assertThat(budget.pausedCount()).isZero();
    }

    @Test
    void shouldLetTheOldestUnfinishedDownloadRunPastTheBudgetWhenNothingFinishedCanGiveBytesBack() {
        BodyBudget budget = new BodyBudget(100);
        AtomicInteger resumedB = new AtomicInteger();
        AtomicInteger resumedC = new AtomicInteger();
        BodyBudget.Share a = budget.share();
        BodyBudget.Share b = budget.share();
        BodyBudget.Share c = budget.share();

        assertThat(a.charge(50, () -> {
        })).isTrue();
        assertThat(b.charge(40, resumedB::incrementAndGet)).isTrue();
        // Everything held is unfinished: the first download to cross the budget may go on to its end.
        assertThat(a.charge(20, () -> {
        })).isTrue();
        assertThat(b.charge(20, resumedB::incrementAndGet)).isFalse();
        assertThat(c.charge(5, resumedC::incrementAndGet)).isFalse();
        assertThat(a.charge(500, () -> {
        })).isTrue();

        // a finished: its body now waits for a decoder, so the others wait for that, not for an overdraft.
        a.downloaded();
        assertThat(resumedB).hasValue(0);
        assertThat(resumedC).hasValue(0);

        a.close();
        // 65 left, under the budget: both go on.
        assertThat(resumedB).hasValue(1);
        assertThat(resumedC).hasValue(1);
    }

    @Test
    void shouldHandTheOverdraftToTheOldestPausedDownloadWhenTheLastFinishedBodyIsDecoded() {
        BodyBudget budget = new BodyBudget(100);
        AtomicInteger resumedB = new AtomicInteger();
        AtomicInteger resumedC = new AtomicInteger();
        BodyBudget.Share a = budget.share();
        BodyBudget.Share b = budget.share();
        BodyBudget.Share c = budget.share();

        assertThat(a.charge(30, () -> {
        })).isTrue();
        a.downloaded();
        assertThat(b.charge(60, resumedB::incrementAndGet)).isTrue();
        assertThat(b.charge(60, resumedB::incrementAndGet)).isFalse();
        assertThat(c.charge(60, resumedC::incrementAndGet)).isFalse();

        a.close();

        // 180 held, all by unfinished downloads: the oldest paused one (b) takes the overdraft, c still waits.
        assertThat(resumedB).hasValue(1);
        assertThat(resumedC).hasValue(0);
        assertThat(b.charge(1000, () -> {
        })).isTrue();
    }

    @Test
    void shouldGiveBytesBackOnceAndForgetAPausedDownloadThatFailed() {
        BodyBudget budget = new BodyBudget(10);
        BodyBudget.Share a = budget.share();
        BodyBudget.Share b = budget.share();
        a.charge(10, () -> {
        });
        a.downloaded();
        AtomicInteger resumed = new AtomicInteger();
        assertThat(b.charge(5, resumed::incrementAndGet)).isFalse();

        b.close();
        b.close();
        a.close();
        a.close();

        assertThat(budget.used()).isZero();
        assertThat(budget.pausedCount()).isZero();
        assertThat(resumed).hasValue(0);
    }
}
