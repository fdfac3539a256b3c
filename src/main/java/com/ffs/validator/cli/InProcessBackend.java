package com.ffs.validator.cli;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ffs.validator.validation.Admission;
import com.ffs.validator.validation.ImageResult;
import com.ffs.validator.validation.RequestException;
import com.ffs.validator.validation.UnavailableException;
import com.ffs.validator.validation.ValidationService;

/**
 * The models in this process, through the validation service as the API uses it; requests wait for capacity
 * instead of being refused. Results are turned into JSON with the service's own mapper, so lines match the API's.
 */
final class InProcessBackend implements Backend {

    private final ValidationService service;
    private final ObjectMapper mapper;
    private final Ask ask;

    InProcessBackend(ValidationService service, ObjectMapper mapper, Ask ask) {
        this.service = service;
        this.mapper = mapper;
        this.ask = ask;
    }

    @Override
    public CompletableFuture<List<ObjectNode>> send(List<String> images) {
        try {
            return service.validate(ask.request(images), Admission.WAIT_WHEN_BUSY)
                    .handle((response, e) -> {
                        if (e != null) {
                            throw failure(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
                        }
                        List<ImageResult> results = response.results();
                        return results.stream().map(r -> (ObjectNode) mapper.valueToTree(r)).toList();
                    });
        } catch (RequestException | UnavailableException e) {
            return CompletableFuture.failedFuture(failure(e));
        }
    }

    private static BatchFailure failure(Throwable e) {
        return switch (e) {
            case RequestException re -> BatchFailure.fatal(ExitCodes.UNAVAILABLE, "the service refused the request: "
                    + re.getMessage());
            case UnavailableException ue when ue.reason() == UnavailableException.Reason.MODELS_FAILED ->
                BatchFailure.fatal(ExitCodes.UNAVAILABLE, ue.getMessage());
            case UnavailableException ue -> BatchFailure.retry(ue.getMessage(), ue.retryAfter());
            case BatchFailure bf -> bf;
            default -> BatchFailure.failed("the request failed: " + e.getMessage());
        };
    }

    @Override
    public String describe() {
        return "the models in this process";
    }

    @Override
    public void close() {
        // The service's lifecycle is Quarkus's.
    }
}
