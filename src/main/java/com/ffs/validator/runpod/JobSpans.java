package com.ffs.validator.runpod;

import java.util.function.Supplier;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;

/**
 * The trace span of one RunPod job, carrying the job id ({@code runpod.job.id}); the job's request and its images'
 * stages are its children. No-op unless tracing is configured; a tracer that fails is ignored.
 */
final class JobSpans {

    static final String JOB = "runpod.job";
    static final String JOB_ID = "runpod.job.id";

    private JobSpans() {
    }

    /** Runs a job's work on the calling thread inside its span. */
    static <T> T run(String jobId, Supplier<T> work) {
        Span span;
        Scope scope;
        try {
            span = GlobalOpenTelemetry.getOrNoop().getTracer("ffs-validator").spanBuilder(JOB)
                    .setAttribute(JOB_ID, jobId).startSpan();
            scope = span.makeCurrent();
        } catch (RuntimeException e) {
            return work.get();
        }
        try (scope) {
            return work.get();
        } finally {
            try {
                span.end();
            } catch (RuntimeException e) {
                // Tracing must never cost a job its answer.
            }
        }
    }
}
