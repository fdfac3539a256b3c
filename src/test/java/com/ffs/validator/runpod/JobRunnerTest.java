package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.validation.Admission;
import com.ffs.validator.validation.CancelledException;
import com.ffs.validator.validation.Pending;
import com.ffs.validator.validation.UnavailableException;
import com.ffs.validator.validation.ValidationRequest;
import com.ffs.validator.validation.ValidationResponse;
import com.ffs.validator.validation.ValidationService;

/** A job's run against a stand-in service: waiting for models that are still loading, and cancellation. */
class JobRunnerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNode INPUT = MAPPER.valueToTree(Map.of("images", List.of("https://x/a.png")));

    @Test
    void aJobThatArrivesWhileModelsLoadShouldWaitForThem() {
        ValidationService service = mock(ValidationService.class);
        ValidationResponse response = new ValidationResponse(List.of(), null);
        // The service waited for models (validator.request.await-ready) and they were still loading: its answer
        // fails asynchronously; the next attempt, once they are ready, succeeds.
        Pending<ValidationResponse> loading = pending(CompletableFuture.failedFuture(new UnavailableException(
                UnavailableException.Reason.MODELS_NOT_READY, "models are still loading", Duration.ZERO)));
        Pending<ValidationResponse> served = pending(CompletableFuture.completedFuture(response));
        when(service.submit(any(ValidationRequest.class), any(Admission.class))).thenReturn(loading, served);
        when(service.ready()).thenReturn(true, false, false, true);
        when(service.failure()).thenReturn(Optional.empty());
        JobControl control = new JobControl();

        JobOutcome outcome = new JobRunner(service, MAPPER).run(INPUT, control);

        assertThat(outcome.error()).isNull();
        assertThat(outcome.output()).isSameAs(response);
        assertThat(control.settled()).isDone();
    }

    @Test
    void aCancelledJobShouldBeAnsweredAtOnceButSettleOnlyWhenItsWorkEnds() throws Exception {
        ValidationService service = mock(ValidationService.class);
        CompletableFuture<ValidationResponse> result = new CompletableFuture<>();
        CompletableFuture<Void> workEnded = new CompletableFuture<>();
        @SuppressWarnings("unchecked")
        Pending<ValidationResponse> running = mock(Pending.class);
        when(running.result()).thenReturn(result);
        when(running.settled()).thenReturn(workEnded);
        when(running.cancel(anyString())).thenAnswer(call -> result.completeExceptionally(
                new CancelledException(call.getArgument(0))));
        CountDownLatch submitted = new CountDownLatch(1);
        when(service.submit(any(ValidationRequest.class), any(Admission.class))).thenAnswer(call -> {
            submitted.countDown();
            return running;
        });
        when(service.ready()).thenReturn(true);
        when(service.failure()).thenReturn(Optional.empty());
        JobControl control = new JobControl();
        CompletableFuture<JobOutcome> outcome = CompletableFuture.supplyAsync(
                () -> new JobRunner(service, MAPPER).run(INPUT, control));
        assertThat(submitted.await(10, TimeUnit.SECONDS)).isTrue();

        control.cancel("stopped by RunPod");

        assertThat(outcome.get(10, TimeUnit.SECONDS).error()).isEqualTo("stopped by RunPod");
        assertThat(control.settled()).as("the work is still running").isNotDone();
        workEnded.complete(null);
        assertThat(control.settled()).isDone();
    }

    @SuppressWarnings("unchecked")
    private static Pending<ValidationResponse> pending(CompletableFuture<ValidationResponse> result) {
        Pending<ValidationResponse> p = mock(Pending.class);
        when(p.result()).thenReturn(result);
        when(p.settled()).thenReturn(CompletableFuture.completedFuture(null));
        return p;
    }
}
