package com.ffs.validator.runpod;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.validation.ValidationService;

/**
 * RunPod's client API served by this process (/run, /runsync, /status, /cancel, /health), so RunPod clients and
 * the seed's curl examples work against a pod or a laptop. Mounted at the root and under /v2/{endpointId}.
 */
@Produces(MediaType.APPLICATION_JSON)
public abstract class RunPodRoutes {

    private static final long MAX_WAIT_MS = 300_000;

    /** Why /run and /status are refused behind RunPod's load balancer. */
    static final String LOAD_BALANCED = "this worker runs behind RunPod's load balancer, where each request may reach "
            + "another worker and jobs live in one worker's memory, so /run and /status cannot work here: use /runsync "
            + "(the result comes in its answer) or POST /v1/validate";

    private final JobStore store;
    private final ValidationService service;
    private final RunPodConfig config;
    private final ObjectMapper mapper;
    private final RunPodWorker worker;

    protected RunPodRoutes(JobStore store, ValidationService service, RunPodConfig config, ObjectMapper mapper,
            RunPodWorker worker) {
        this.store = store;
        this.service = service;
        this.config = config;
        this.mapper = mapper;
        this.worker = worker;
    }

    @POST
    @Path("run")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Queue a job", description = "Body {\"input\": <validation request>}; returns the job id. "
            + "Refused (400) on a RunPod load-balancing worker, where /status could reach another worker.")
    public RestResponse<Object> run(String body) {
        if (worker.loadBalanced()) {
            return error(RestResponse.Status.BAD_REQUEST, LOAD_BALANCED);
        }
        return withJob(body, false, job -> ok(new JobEnvelope(job.id, job.state(), null, null, null, null)));
    }

    @POST
    @Path("runsync")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run a job and wait", description = "Waits up to ?wait= ms (default 90000, at most 300000); "
            + "an unfinished job is returned with its current status for polling /status.")
    public RestResponse<Object> runsync(String body, @QueryParam("wait") Long waitMillis) {
        Duration wait = waitMillis == null ? config.runsyncWait()
                : Duration.ofMillis(Math.clamp(waitMillis, 1_000, MAX_WAIT_MS));
        return withJob(body, true, job -> {
            try {
                job.await(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            JobEnvelope envelope = envelope(job);
            job.markDelivered();
            return ok(envelope);
        });
    }

    @GET
    @Path("status/{id}")
    @Operation(summary = "A job's status and, once finished, its output")
    public RestResponse<Object> status(@PathParam("id") String id) {
        if (worker.loadBalanced()) {
            return error(RestResponse.Status.BAD_REQUEST, LOAD_BALANCED);
        }
        return store.find(id).map(job -> ok(envelope(job))).orElseGet(() -> notFound(id));
    }

    @POST
    @Path("status/{id}")
    @Operation(summary = "Same as GET, as runpod-python's local API uses POST")
    public RestResponse<Object> statusPost(@PathParam("id") String id) {
        return status(id);
    }

    @POST
    @Path("cancel/{id}")
    @Operation(summary = "Cancel a queued or running job")
    public RestResponse<Object> cancel(@PathParam("id") String id) {
        return store.cancel(id).map(job -> ok(new JobEnvelope(job.id, job.state(), null, null, null, null)))
                .orElseGet(() -> notFound(id));
    }

    @GET
    @Path("health")
    @Operation(summary = "RunPod-style job and worker counts")
    public Map<String, Object> health() {
        return store.health(service.ready());
    }

    /** A failed job's error is runpod-python's JSON report as a string, the same as on RunPod's queue. */
    private JobEnvelope envelope(JobStore.Job job) {
        return job.envelope(worker.bodies()::report);
    }

    private record Parsed(JsonNode input, RestResponse<Object> error) {
    }

    /** Parses the body, stores the job and answers with {@code then}, or answers with why it could not. */
    private RestResponse<Object> withJob(String body, boolean sync,
            Function<JobStore.Job, RestResponse<Object>> then) {
        Parsed parsed = parse(body);
        if (parsed.error != null) {
            return parsed.error;
        }
        try {
            return then.apply(store.submit(parsed.input, sync));
        } catch (JobStore.StoreFullException e) {
            return error(RestResponse.Status.SERVICE_UNAVAILABLE, e.getMessage());
        }
    }

    private Parsed parse(String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            // The parser's own words name its classes and settings: the caller gets where the body broke.
            JsonLocation at = e.getLocation();
            return new Parsed(null, error(RestResponse.Status.BAD_REQUEST, "body is not valid JSON" + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")));
        }
        if (root == null || !root.isObject() || !root.has("input")) {
            return new Parsed(null, error(RestResponse.Status.BAD_REQUEST,
                    "body must be a JSON object with an \"input\" field, e.g. {\"input\": {\"action\": \"validate\", "
                            + "\"images\": [\"https://...\"]}}"));
        }
        return new Parsed(root.get("input"), null);
    }

    private static RestResponse<Object> ok(Object body) {
        return RestResponse.ok(body);
    }

    private static RestResponse<Object> notFound(String id) {
        return error(RestResponse.Status.NOT_FOUND, "job '" + id + "' not found (unknown, or its result expired)");
    }

    private static RestResponse<Object> error(RestResponse.Status status, String message) {
        return RestResponse.status(status, Map.of("error", message));
    }
}
