package com.ffs.validator.api;

import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.ffs.validator.validation.Admission;
import com.ffs.validator.validation.Pending;
import com.ffs.validator.validation.ValidationRequest;
import com.ffs.validator.validation.ValidationResponse;
import com.ffs.validator.validation.ValidationService;

import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;

/** The native API: {@code POST /v1/validate}. */
@Path("/v1")
@Tag(name = "Validation")
public class ValidateResource {

    private final ValidationService service;

    public ValidateResource(ValidationService service) {
        this.service = service;
    }

    @POST
    @Path("/validate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Check images", description = "Runs the action (validate, nsfw, fashion or embedding) on each "
            + "image and returns one result per image in input order; an image that fails gets an error object.")
    @APIResponse(responseCode = "200", description = "One result per image")
    @APIResponse(responseCode = "400", description = "Malformed request", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Models not ready, or busy: the images would wait longer than "
            + "validator.request.max-queue-time; Retry-After says when they would be admitted", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    // A large JSON body and its inline images are parsed on a worker thread, never on the event loop.
    @Blocking
    public CompletionStage<ValidationResponse> validate(ValidationRequest request,
            @Context HttpServerRequest http) {
        Pending<ValidationResponse> pending = service.submit(request, Admission.REJECT_WHEN_BUSY);
        // A caller that closes its connection first takes its images out of every queue.
        return CallerConnection.answer(http, pending.result(),
                () -> pending.cancel(Pending.Cause.DISCONNECT, "the caller closed the connection"));
    }
}
