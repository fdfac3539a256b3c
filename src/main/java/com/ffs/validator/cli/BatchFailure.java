package com.ffs.validator.cli;

import java.time.Duration;
import java.util.Optional;

/** Why a request failed as a whole, and what {@code bulk} does about it. */
final class BatchFailure extends RuntimeException {

    /** What to do. */
    enum Kind {
        /** Send again later (429, 503, 5xx, no connection): counts towards giving up on the endpoint. */
        RETRY,
        /** The request ran and failed (a RunPod job FAILED): send again a few times, then write the error. */
        FAILED,
        /** No request can succeed (refused key, wrong URL, a request the service refuses): end the run. */
        FATAL
    }

    private final Kind kind;
    private final Duration retryAfter;
    private final int exitCode;

    private BatchFailure(Kind kind, String reason, Duration retryAfter, int exitCode) {
        super(reason, null, false, false);
        this.kind = kind;
        this.retryAfter = retryAfter;
        this.exitCode = exitCode;
    }

    /** A failure worth retrying, after {@code retryAfter} when the endpoint said so (null: back off). */
    static BatchFailure retry(String reason, Duration retryAfter) {
        return new BatchFailure(Kind.RETRY, reason, retryAfter, ExitCodes.UNAVAILABLE);
    }

    static BatchFailure failed(String reason) {
        return new BatchFailure(Kind.FAILED, reason, null, ExitCodes.UNAVAILABLE);
    }

    static BatchFailure fatal(int exitCode, String reason) {
        return new BatchFailure(Kind.FATAL, reason, null, exitCode);
    }

    Kind kind() {
        return kind;
    }

    Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    int exitCode() {
        return exitCode;
    }
}
