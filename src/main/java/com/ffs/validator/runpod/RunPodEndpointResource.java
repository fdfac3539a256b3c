package com.ffs.validator.runpod;

import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.validation.ValidationService;

/** RunPod's routes under /v2/{endpointId}/, as RunPod's public API serves them, so its clients work unchanged. */
@Path("/v2/{endpointId}")
@Tag(name = "RunPod-style jobs")
public class RunPodEndpointResource extends RunPodRoutes {

    public RunPodEndpointResource(JobStore store, ValidationService service, RunPodConfig config,
            ObjectMapper mapper, RunPodWorker worker) {
        super(store, service, config, mapper, worker);
    }
}
