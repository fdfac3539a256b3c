package com.ffs.validator.cli;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Where {@code bulk} sends its requests: the models in this process, the native API, or a RunPod endpoint. */
interface Backend extends AutoCloseable {

    /**
     * Sends one request for {@code images} with the run's action. May block while the backend is at capacity.
     *
     * @return one result object per image in input order (the service's fields: checks or {@code error}); fails
     *         with a {@link BatchFailure} when the request as a whole failed
     */
    CompletableFuture<List<ObjectNode>> send(List<String> images);

    /** What the user sees in messages, e.g. "http://host:8080 (ffs-validator API)". */
    String describe();

    /** Stops what is still running; results that arrive later are dropped. */
    @Override
    void close();
}
