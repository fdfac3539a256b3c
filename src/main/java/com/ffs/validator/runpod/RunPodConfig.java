package com.ffs.validator.runpod;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The RunPod face: RunPod-style job routes served by this process, and the RunPod Serverless worker. */
@ConfigMapping(prefix = "validator.runpod")
public interface RunPodConfig {

    /** Jobs run at once (local routes and queue worker); images of concurrent jobs meet in the same batches. */
    @WithDefault("4")
    int concurrency();

    /** Jobs held at once (queued, running and finished within retention); a full store refuses new jobs. */
    @WithDefault("1000")
    int maxJobs();

    /** How long a finished job's result stays readable through /status, as on RunPod. */
    @WithDefault("30m")
    Duration resultRetention();

    /** How long a /runsync job's result stays readable through /status after it finished, as on RunPod. */
    @WithDefault("1m")
    Duration runsyncRetention();

    /** How long /runsync waits for a result before answering with the job's current status (?wait= overrides). */
    @WithDefault("90s")
    Duration runsyncWait();

    /**
     * Act as a RunPod Serverless worker, choosing the mode from RunPod's environment: queue worker when
     * RUNPOD_WEBHOOK_GET_JOB is set, load-balancing worker when PORT is set, otherwise the local API plus a one-shot
     * run of test_input.json when there is one.
     */
    @WithDefault("false")
    boolean worker();

    /** The one-shot job file (or inline JSON) to run instead of ./test_input.json; RUNPOD_TEST_INPUT also sets it. */
    Optional<String> testInput();

    /** Client-side limit of one job-take long-poll; an unanswered take counts as "no job". */
    @WithDefault("90s")
    Duration takeTimeout();

    /** Internal deadline per queue job, a little under RunPod's default execution timeout, after which it is failed. */
    @WithDefault("9m")
    Duration jobTimeout();

    /** Grace period on SIGTERM: in-flight jobs finish and post their results within it, the rest post an error. */
    @WithDefault("30s")
    Duration drainTimeout();

    /** Attempts to post one job result; 5xx answers and I/O errors are retried with backoff. */
    @WithDefault("5")
    int postAttempts();

    /** First wait after a failed call to RunPod; it doubles per failure, with jitter. */
    @WithDefault("1s")
    Duration backoffInitial();

    /** Longest wait between failed calls to RunPod. */
    @WithDefault("30s")
    Duration backoffMax();

    /** Largest result body posted to RunPod; a larger result is replaced by an error that says so. */
    @WithDefault("8388608")
    long maxResultBytes();
}
