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

import com.ffs.validator.validation.Pending;
import com.ffs.validator.validation.TextEmbeddingRequest;
import com.ffs.validator.validation.TextEmbeddingResponse;
import com.ffs.validator.validation.TextEmbeddingService;

import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;

/** Text search: {@code POST /v1/embeddings/text}, text embeddings in the space of the image embeddings. */
@Path("/v1/embeddings")
@Tag(name = "Search")
public class TextEmbeddingResource {

    private final TextEmbeddingService service;

    public TextEmbeddingResource(TextEmbeddingService service) {
        this.service = service;
    }

    @POST
    @Path("/text")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Embed texts for image search", description = "Returns one L2-normalised SigLIP text "
            + "embedding per text, in request order. Texts are cleaned as Marqo's model was trained (lower case, "
            + "punctuation removed) and padded to its 64 tokens; the dot product with an image's 'embedding' (from "
            + "the embedding or validate action) is their cosine similarity.")
    @APIResponse(responseCode = "200", description = "One embedding per text")
    @APIResponse(responseCode = "400", description = "No texts, too many, or a blank or too long text", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Models not ready; see Retry-After", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    // A large JSON body and its inline images are parsed on a worker thread, never on the event loop.
    @Blocking
    public CompletionStage<TextEmbeddingResponse> embed(TextEmbeddingRequest request,
            @Context HttpServerRequest http) {
        Pending<TextEmbeddingResponse> pending = service.embed(request);
        return CallerConnection.answer(http, pending.result(),
                () -> pending.cancel(Pending.Cause.DISCONNECT, "the caller closed the connection"));
    }
}
