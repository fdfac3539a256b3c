package com.ffs.validator.runpod;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * RunPod's URL templates, filled as runpod-python fills them: {@code $RUNPOD_POD_ID} is the worker id everywhere,
 * {@code $ID} is the worker id in the take and ping templates and the job id in the job-done template, and
 * {@code $RUNPOD_GPU_TYPE_ID} is filled where it is known. Query parameters are appended with {@code ?} or {@code &}
 * as the template needs.
 */
final class WebhookUrls {

    private static final String TAKE_SEGMENT = "/job-take/";
    private static final String TAKE_BATCH_SEGMENT = "/job-take-batch/";
    private static final String STOP_SEGMENT = "/job-stop/";

    private final String take;
    private final String done;
    private final String ping;

    WebhookUrls(String takeTemplate, String doneTemplate, String pingTemplate, String workerId,
            Optional<String> gpuTypeId) {
        this.take = fill(takeTemplate, workerId, gpuTypeId, true);
        this.done = fill(doneTemplate, workerId, gpuTypeId, false);
        this.ping = pingTemplate == null ? null : fill(pingTemplate, workerId, gpuTypeId, true);
    }

    static WebhookUrls of(RunPodEnvironment env) {
        String take = env.getJob().orElseThrow(() -> new IllegalStateException("RUNPOD_WEBHOOK_GET_JOB is not set"));
        String done = env.postOutput().orElseThrow(() -> new IllegalStateException(
                "RUNPOD_WEBHOOK_GET_JOB is set but RUNPOD_WEBHOOK_POST_OUTPUT is not; results could not be posted"));
        return new WebhookUrls(take, done, env.ping().orElse(null), env.workerId(), env.gpuTypeId());
    }

    /** Whether the take template allows asking for several jobs at once. */
    boolean batchTake() {
        return take.contains(TAKE_SEGMENT);
    }

    /** The job-take URL for up to {@code count} jobs; {@code jobInProgress} says whether this worker holds any. */
    URI take(int count, boolean jobInProgress) {
        Map<String, String> query = new LinkedHashMap<>();
        String base = take;
        if (count > 1 && batchTake()) {
            base = take.replace(TAKE_SEGMENT, TAKE_BATCH_SEGMENT);
            query.put("batch_size", Integer.toString(count));
        }
        query.put("job_in_progress", jobInProgress ? "1" : "0");
        return URI.create(withQuery(base, query));
    }

    /**
     * RunPod's stop channel, derived as runpod-python derives it: the take URL with {@code /job-take/} replaced by
     * {@code /job-stop/}, its query string kept. Empty when the take template has no {@code /job-take/} segment.
     */
    Optional<URI> stop() {
        return take.contains(TAKE_SEGMENT) ? Optional.of(URI.create(take.replace(TAKE_SEGMENT, STOP_SEGMENT)))
                : Optional.empty();
    }

    /** The job-done URL for one job. */
    URI done(String jobId) {
        return URI.create(withQuery(done.replace("$ID", pathSegment(jobId)), Map.of("isStream", "false")));
    }

    boolean hasPing() {
        return ping != null;
    }

    /** The heartbeat URL carrying the ids of the jobs in flight ({@code job_id} is left out when there are none). */
    URI ping(Collection<String> jobIds, String version) {
        Map<String, String> query = new LinkedHashMap<>();
        if (!jobIds.isEmpty()) {
            query.put("job_id", String.join(",", jobIds));
        }
        query.put("runpod_version", version);
        return URI.create(withQuery(ping, query));
    }

    /** runpod-python's report of an unhealthy worker, sent once on the heartbeat URL before the worker gives up. */
    URI unhealthy(String check, String reason, String version) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("status", "unhealthy");
        query.put("check", check);
        query.put("reason", reason.length() > 256 ? reason.substring(0, 256) : reason);
        query.put("runpod_version", version);
        return URI.create(withQuery(ping, query));
    }

    private static String fill(String template, String workerId, Optional<String> gpuTypeId, boolean idIsWorker) {
        String url = template.replace("$RUNPOD_POD_ID", pathSegment(workerId));
        if (gpuTypeId.isPresent()) {
            url = url.replace("$RUNPOD_GPU_TYPE_ID", encode(gpuTypeId.get()));
        }
        return idIsWorker ? url.replace("$ID", pathSegment(workerId)) : url;
    }

    private static String withQuery(String url, Map<String, String> params) {
        if (params.isEmpty()) {
            return url;
        }
        String query = params.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        String separator = !url.contains("?") ? "?" : url.endsWith("?") || url.endsWith("&") ? "" : "&";
        return url + separator + query;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Form encoding, with spaces as %20 since a path has no '+' for space. */
    private static String pathSegment(String value) {
        return encode(value).replace("+", "%20");
    }
}
