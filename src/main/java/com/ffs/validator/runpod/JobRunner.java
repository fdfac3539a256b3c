package com.ffs.validator.runpod;

import java.time.Duration;
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.validation.Admission;
import com.ffs.validator.validation.RequestException;
import com.ffs.validator.validation.UnavailableException;
import com.ffs.validator.validation.ValidationRequest;
import com.ffs.validator.validation.ValidationService;

import io.quarkus.logging.Log;

/**
 * Runs one RunPod job's {@code input} through the validation service and says how it ended. Blocking: call it from
 * a job thread. Jobs wait for capacity and for models still loading instead of failing, as RunPod queues them.
 */
@ApplicationScoped
public class JobRunner {

    private static final Duration READY_POLL = Duration.ofMillis(100);

    private final ValidationService service;
    private final ObjectMapper mapper;

    public JobRunner(ValidationService service, ObjectMapper mapper) {
        this.service = service;
        this.mapper = mapper;
    }

    JobOutcome run(JsonNode input) {
        ValidationRequest request;
        try {
            if (input == null || !input.isObject()) {
                throw new RequestException(RequestException.Code.INVALID_REQUEST,
                        "'input' must be an object like {\"action\": \"validate\", \"images\": [...]}");
            }
            request = mapper.treeToValue(input, ValidationRequest.class);
        } catch (RequestException e) {
            return JobOutcome.failure("RequestException", e.getMessage());
        } catch (Exception e) {
            return JobOutcome.failure("RequestException", "invalid input: " + firstLine(e.getMessage()));
        }
        while (true) {
            try {
                return JobOutcome.success(service.validate(request, Admission.WAIT_WHEN_BUSY).join());
            } catch (RequestException e) {
                return JobOutcome.failure("RequestException", e.getMessage());
            } catch (UnavailableException e) {
                if (e.reason() != UnavailableException.Reason.MODELS_NOT_READY) {
                    return JobOutcome.failure("UnavailableException", e.getMessage());
                }
                sleep();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RequestException re) {
                    return JobOutcome.failure("RequestException", re.getMessage());
                }
                Log.errorf(e, "Job failed");
                return JobOutcome.failure(e.getClass().getSimpleName(), firstLine(e.getMessage()));
            } catch (IllegalStateException e) {
                Log.errorf(e, "Job failed");
                return JobOutcome.failure(e.getClass().getSimpleName(), firstLine(e.getMessage()));
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(READY_POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for models to load");
        }
    }

    private static String firstLine(String message) {
        return message == null ? "no details" : message.lines().findFirst().orElse(message);
    }
}
