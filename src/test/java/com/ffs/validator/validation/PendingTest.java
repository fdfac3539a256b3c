package com.ffs.validator.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

class PendingTest {

    @Test
    void shouldAnswerWithCancelledExceptionAtOnceButSettleOnlyWhenWorkEnds() {
        Pending<String> pending = new Pending<>();

        assertThat(pending.cancel("caller left")).isTrue();

        assertThat(pending.cancelled()).isTrue();
        assertThatThrownBy(() -> pending.result().join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(CancelledException.class).hasMessageContaining("caller left");
        assertThat(pending.settled()).isNotDone();
        pending.finish("late", null);
        assertThat(pending.settled()).isDone();
        assertThat(pending.result().isCompletedExceptionally()).isTrue();
    }

    @Test
    void shouldNotCancelWhatIsAnswered() {
        Pending<String> pending = new Pending<>();
        pending.finish("done", null);

        assertThat(pending.cancel("too late")).isFalse();
        assertThat(pending.cancelled()).isFalse();
        assertThat(pending.result().join()).isEqualTo("done");
    }

    @Test
    void shouldCancelOnce() {
        Pending<String> pending = new Pending<>();

        assertThat(pending.cancel("first")).isTrue();
        assertThat(pending.cancel("second")).isFalse();
        assertThatThrownBy(() -> pending.result().join()).hasMessageContaining("first");
    }
}
