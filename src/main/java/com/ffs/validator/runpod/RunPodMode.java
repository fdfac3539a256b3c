package com.ffs.validator.runpod;

/** How this process serves RunPod, chosen from RunPod's environment variables as runpod-python chooses. */
public enum RunPodMode {
    /** RUNPOD_WEBHOOK_GET_JOB is set: take jobs from RunPod's queue, post results, send heartbeats. */
    QUEUE,
    /** PORT is set: a plain HTTP server behind RunPod's load balancer, polled on the health path. */
    LOAD_BALANCING,
    /** Neither: the local RunPod-style API, plus a one-shot run of test_input.json when there is one. */
    LOCAL
}
