package com.ffs.validator.runpod;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.validation.Admission;
import com.ffs.validator.validation.CancelledException;
import com.ffs.validator.validation.JsonErrors;
import com.ffs.validator.validation.Pending;
import com.ffs.validator.validation.RequestException;
import com.ffs.validator.validation.UnavailableException;
import com.ffs.validator.validation.ValidationRequest;
import com.ffs.validator.validation.ValidationResponse;
import com.ffs.validator.validation.ValidationService;

import io.quarkus.logging.Log;

/**
 * Runs one RunPod job's {@code input} through the validation service and says how it ended. Blocking: call it from
 * a job thread. Jobs wait for capacity and for models still loading instead of failing, as RunPod queues them; a
 * cancellation through the job's {@link JobControl} stops the wait or the request.
 */
@ApplicationScoped
public class JobRunner {

    static final String CANCELLED = "JobCancelled";
    private static final Duration READY_POLL = Duration.ofMillis(100);

    private final ValidationService service;
    private final ObjectMapper mapper;

    public JobRunner(ValidationService service, ObjectMapper mapper) {
        this.service = service;
        this.mapper = mapper;
    }

    /** Runs a job that nobody cancels, until its work has ended. */
    JobOutcome run(JsonNode input) {
        JobControl control = new JobControl();
        JobOutcome outcome = run(input, control);
        control.settled().join();
        return outcome;
    }

    /**
     * Runs a job on the calling thread until it is answered; {@code control} is settled once its work has ended, which
     * after a cancellation may be later than the answer.
     */
    JobOutcome run(JsonNode input, JobControl control) {
        Pending<ValidationResponse> last = null;
        try {
            ValidationRequest request = parse(input);
            while (true) {
                Optional<String> cancelled = control.cancelled();
                if (cancelled.isPresent()) {
                    return JobOutcome.failure(CANCELLED, cancelled.get());
                }
                if (!service.ready() && service.failure().isEmpty()) {
                    // RunPod queued the job for this worker: it waits for models instead of failing.
                    control.awaitCancel(READY_POLL);
                    continue;
                }
                Pending<ValidationResponse> pending;
                try {
                    pending = service.submit(request, Admission.WAIT_WHEN_BUSY);
                } catch (UnavailableException e) {
                    if (!modelsStillLoading(e)) {
                        throw e;
                    }
                    continue;
                }
                last = pending;
                control.onCancel(pending::cancel);
                try {
                    return JobOutcome.success(pending.result().join());
                } catch (CompletionException e) {
                    if (!modelsStillLoading(e.getCause())) {
                        throw e;
                    }
                    // The service gave up waiting for models (validator.request.await-ready); the job waits on.
                }
            }
        } catch (RequestException e) {
            return JobOutcome.failure("RequestException", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JobOutcome.failure(CANCELLED, "the job's thread was interrupted");
        } catch (RuntimeException e) {
            return failure(unwrap(e), control);
        } finally {
            if (last == null) {
                control.settle();
            } else {
                last.settled().whenComplete((v, e) -> control.settle());
            }
        }
    }

    private ValidationRequest parse(JsonNode input) {
        if (input == null || !input.isObject()) {
            throw new RequestException(RequestException.Code.INVALID_REQUEST,
                    "'input' must be an object like {\"action\": \"validate\", \"images\": [...]}");
        }
        try {
            return mapper.treeToValue(input, ValidationRequest.class);
        } catch (JsonProcessingException e) {
            throw new RequestException(RequestException.Code.INVALID_REQUEST, "invalid input: "
                    + JsonErrors.describe(e));
        } catch (IllegalArgumentException e) {
            throw new RequestException(RequestException.Code.INVALID_REQUEST, "invalid input");
        }
    }

    private static boolean modelsStillLoading(Throwable e) {
        return e instanceof UnavailableException u && u.reason() == UnavailableException.Reason.MODELS_NOT_READY;
    }

    private static JobOutcome failure(Throwable e, JobControl control) {
        return switch (e) {
            case RequestException r -> JobOutcome.failure("RequestException", r.getMessage());
            case UnavailableException u -> JobOutcome.failure("UnavailableException", u.getMessage());
            case CancelledException c -> JobOutcome.failure(CANCELLED, control.cancelled().orElse(c.getMessage()));
            default -> {
                Log.errorf(e, "Job failed unexpectedly");
                yield JobOutcome.failure("InternalError", "internal error; see the worker log");
            }
        };
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

}
