package com.ffs.validator.inference;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;

/**
 * The {@code inference} span of one model batch. A batch holds images of many requests, so its span lives in the trace
 * of its oldest image and links to every image in it. No-ops unless tracing is configured; a tracer that fails is
 * ignored, so tracing never costs a batch its run.
 */
final class BatchSpans {

    static final String INFERENCE = "inference";

    private BatchSpans() {
    }

    /** The context each image was queued with, in batch order; a batch whose images are not traced gets no span. */
    static Span start(String model, Context[] images, int[] order, int count) {
        try {
            SpanBuilder builder = null;
            for (int k = 0; k < count; k++) {
                Context image = images[order[k]];
                SpanContext span = image == null ? SpanContext.getInvalid() : Span.fromContext(image).getSpanContext();
                if (!span.isValid()) {
                    continue;
                }
                if (builder == null) {
                    builder = GlobalOpenTelemetry.getOrNoop().getTracer("ffs-validator").spanBuilder(INFERENCE)
                            .setParent(image).setAttribute("validator.model", model)
                            .setAttribute("validator.batch.size", count);
                }
                builder.addLink(span);
            }
            return builder == null ? Span.getInvalid() : builder.startSpan();
        } catch (RuntimeException e) {
            return Span.getInvalid();
        }
    }

    static void end(Span span, Throwable failure) {
        try {
            if (failure != null) {
                span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
            }
            span.end();
        } catch (RuntimeException e) {
            // Tracing must never cost a batch its run.
        }
    }
}
