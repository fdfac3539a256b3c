package com.ffs.validator.runpod;

import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.validation.ValidationService;

/** RunPod's routes at the root, as runpod-python's local test API serves them. */
@Path("/")
@Tag(name = "RunPod-style jobs")
public class RunPodRootResource extends RunPodRoutes {

    public RunPodRootResource(JobStore store, ValidationService service, RunPodConfig config, ObjectMapper mapper,
            RunPodWorker worker) {
        super(store, service, config, mapper, worker);
    }
}
