package com.ffs.validator.runpod;

/** The RunPod worker protocol this worker speaks. */
final class RunPodProtocol {

    /**
     * The runpod-python release whose worker protocol (take, batch take, stop channel, results, heartbeat, error
     * report) this worker implements; sent as {@code runpod_version} in heartbeats and error reports, where RunPod
     * expects the SDK's semantic version.
     */
    static final String VERSION = "1.12.0";

    private RunPodProtocol() {
    }
}
