package com.ffs.validator.api;

import java.util.concurrent.CompletionException;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.ffs.validator.validation.CancelledException;
import com.ffs.validator.validation.JsonErrors;
import com.ffs.validator.validation.RequestException;
import com.ffs.validator.validation.RequestIds;
import com.ffs.validator.validation.UnavailableException;

import io.quarkus.logging.Log;

/** Maps the use case's errors to problem documents: 400 for requests we cannot run, 503 with Retry-After when busy. */
public class ApiExceptionMappers {

    @ServerExceptionMapper
    public Response badRequest(RequestException e) {
        return problem(Problem.of(400, "Invalid request", e.code().name(), e.getMessage()), null);
    }

    @ServerExceptionMapper
    public Response unavailable(UnavailableException e) {
        String title = switch (e.reason()) {
            case OVERLOADED -> "Overloaded";
            case MODELS_NOT_READY -> "Models not ready";
            case MODELS_FAILED -> "Models failed to load";
        };
        return problem(Problem.of(503, title, e.reason().name(), e.getMessage()),
                Long.toString(Math.max(1, e.retryAfter().toSeconds())));
    }

    /** A request stopped before its answer; its caller has usually gone already. */
    @ServerExceptionMapper
    public Response cancelled(CancelledException e) {
        return problem(Problem.of(503, "Cancelled", "CANCELLED", e.getMessage()), null);
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return invalidJson(e);
    }

    @ServerExceptionMapper
    public Response invalidJson(JsonProcessingException e) {
        return problem(Problem.of(400, "Invalid JSON", RequestException.Code.INVALID_JSON.name(),
                "the body is not a valid request: " + JsonErrors.describe(e)), null);
    }

    /** Errors raised inside the asynchronous part of a request arrive wrapped. */
    @ServerExceptionMapper
    public Response completion(CompletionException e) {
        return switch (e.getCause()) {
            case RequestException re -> badRequest(re);
            case UnavailableException ue -> unavailable(ue);
            case CancelledException ce -> cancelled(ce);
            case JsonProcessingException json -> invalidJson(json);
            case null, default -> {
                String id = RequestIds.next();
                Log.errorf(e.getCause(), "Request failed (request %s)", id);
                yield problem(Problem.of(500, "Internal error", "INTERNAL_ERROR", "see the service log (request " + id
                        + ")"), null);
            }
        };
    }

    /** JAX-RS's own errors (unparseable JSON, unknown route, wrong method) as problem documents too. */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return invalidJson(json);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        // JAX-RS's own texts can name classes; the status line says what the caller needs.
        Log.debugf("HTTP %d: %s", status.getStatusCode(), e.getMessage());
        Response.Status known = Response.Status.fromStatusCode(status.getStatusCode());
        return problem(Problem.of(status.getStatusCode(), status.getReasonPhrase(),
                known == null ? "HTTP_ERROR" : known.name(), "HTTP " + status.getStatusCode() + " "
                        + status.getReasonPhrase()),
                null);
    }

    private static Response problem(Problem problem, String retryAfter) {
        Response.ResponseBuilder b = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
        if (retryAfter != null) {
            b.header("Retry-After", retryAfter);
        }
        return b.build();
    }
}
