package com.ffs.validator.metrics;

/**
 * Every meter the service registers, named once. Names are dotted (Prometheus shows them with underscores and a
 * unit suffix); tags are bounded: model, action, outcome, code, stage.
 */
public final class MetricNames {

    /** Counter: validation requests, tagged {@code action} and {@code outcome} (ok, client_error, rejected, server_error). */
    public static final String REQUESTS = "validator.requests";
    /** Counter: images processed, tagged {@code outcome} (ok, error) and {@code code} (the error code, or none). */
    public static final String IMAGES = "validator.images";
    /** Gauge: images accepted and not yet answered, across all requests and jobs; the autoscaling signal. */
    public static final String IMAGES_IN_FLIGHT = "validator.images.in.flight";
    /** Timer: time per pipeline stage per image, tagged {@code stage} (fetch, decode, preprocess). */
    public static final String STAGE_DURATION = "validator.stage.duration";
    /** Timer: one ONNX Runtime batch run, tagged {@code model}. */
    public static final String INFERENCE_DURATION = "validator.inference.duration";
    /** Timer: time an image waited in its model's batch queue, tagged {@code model}. */
    public static final String QUEUE_WAIT = "validator.inference.queue.wait";
    /** Distribution: images per batch run, tagged {@code model}. */
    public static final String BATCH_SIZE = "validator.inference.batch.size";
    /** Gauge: images waiting in a model's batch queue, tagged {@code model}. */
    public static final String QUEUE_DEPTH = "validator.inference.queue.depth";
    /** Gauge: seconds a model took to load and warm up, tagged {@code model}. */
    public static final String MODEL_LOAD_SECONDS = "validator.model.load.seconds";

    /** Counter: images decoded although their decoder warned about damage (as Pillow keeps them), tagged {@code format}. */
    public static final String DECODE_WARNINGS = "validator.image.decode.warnings";

    /** Gauge: bytes of fetched bodies held, downloading or waiting to be decoded ({@code validator.fetch.body-memory}). */
    public static final String FETCH_BODY_BYTES = "validator.fetch.body.bytes";
    /** Gauge: downloads holding a slot now (at most {@code validator.fetch.max-concurrent}). */
    public static final String FETCH_DOWNLOADS = "validator.fetch.downloads";

    /** Counter: requests weighed by admission, tagged {@code outcome} (admitted, queued, refused) and {@code reason}. */
    public static final String ADMISSION_REQUESTS = "validator.admission.requests";
    /** Gauge: seconds a new image needing {@code model} is expected to wait behind the admitted work. */
    public static final String EXPECTED_WAIT = "validator.admission.expected.wait";
    /** Gauge: requests queued for admission (RunPod jobs and bulk runs wait; the native API is refused). */
    public static final String ADMISSION_WAITING = "validator.admission.waiting";
    /** Counter: images dropped because their request was stopped, tagged {@code cause} (disconnect, deadline, stop). */
    public static final String IMAGES_CANCELLED = "validator.images.cancelled";

    /** Counter: code scans cut short by their time limit or candidate cap (their codes may be incomplete). */
    public static final String CODE_SCANS_CUT_SHORT = "validator.codes.scans.cut.short";
    /** Gauge: images this process takes in flight at most ({@code validator.request.max-in-flight-images}). */
    public static final String IMAGES_CAPACITY = "validator.images.capacity";
    /** Counter: RunPod queue jobs answered, tagged {@code outcome} (completed, failed, timed_out). */
    public static final String RUNPOD_JOBS = "validator.runpod.jobs";
    /** Counter: job-done posts to RunPod, tagged {@code outcome} (ok, retried, failed). */
    public static final String RUNPOD_RESULT_POSTS = "validator.runpod.result.posts";
    /** Gauge: the process's resident memory in bytes: the heap, plus native memory (ONNX Runtime, decoders). */
    public static final String RESIDENT_MEMORY = "validator.process.resident.memory";

    public static final String TAG_MODEL = "model";
    public static final String TAG_REASON = "reason";
    public static final String TAG_CAUSE = "cause";
    public static final String TAG_ACTION = "action";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_CODE = "code";
    public static final String TAG_STAGE = "stage";
    public static final String TAG_FORMAT = "format";

    private MetricNames() {
    }
}
