package com.ffs.validator.validation;

/** What happens to a request when the service is at capacity. */
public enum Admission {
    /** Refuse at once with {@link UnavailableException} (503 + Retry-After): callers of the native API retry. */
    REJECT_WHEN_BUSY,
    /** Block until capacity frees: RunPod jobs were already accepted by the platform and must not fail for load. */
    WAIT_WHEN_BUSY
}
