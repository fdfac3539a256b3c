package com.ffs.validator.runpod;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The RunPod face: RunPod-style job routes served by this process. */
@ConfigMapping(prefix = "validator.runpod")
public interface RunPodConfig {

    /** Jobs run at once; images of concurrent jobs meet in the same inference batches. */
    @WithDefault("4")
    int concurrency();

    /** Jobs held at once (queued, running and finished within retention); a full store refuses new jobs. */
    @WithDefault("1000")
    int maxJobs();

    /** How long a finished job's result stays readable through /status, as on RunPod. */
    @WithDefault("30m")
    Duration resultRetention();

    /** How long /runsync waits for a result before answering with the job's current status (?wait= overrides). */
    @WithDefault("90s")
    Duration runsyncWait();
}
