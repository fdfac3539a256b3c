package com.ffs.validator.validation;

import java.util.function.Supplier;

import com.ffs.validator.image.IntakeException;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * Trace spans of a request ({@code validation}) and of its images' stages ({@code fetch}, {@code decode},
 * {@code preprocess}); the model batches add {@code inference}. No-ops unless tracing is configured, and tracing never
 * costs an image its answer: a tracer that fails is ignored.
 */
final class StageSpans {

    static final String REQUEST = "validation";
    static final String FETCH = "fetch";
    static final String DECODE = "decode";
    static final String PREPROCESS = "preprocess";

    /** One image of a traced request: the request's context and the image's place in it. */
    record ImageTrace(Context request, int index) {
    }

    private StageSpans() {
    }

    private static Tracer tracer() {
        // Quarkus publishes its SDK globally when tracing is on; getOrNoop never pins a no-op before that.
        return GlobalOpenTelemetry.getOrNoop().getTracer("ffs-validator");
    }

    /** Starts a request's span under the caller's context (an HTTP request, a RunPod job) and returns its context. */
    static Context request(Action action, int images) {
        Context caller = Context.current();
        try {
            Span span = tracer().spanBuilder(REQUEST).setParent(caller)
                    .setAttribute("validator.action", action.wireName()).setAttribute("validator.images", images)
                    .startSpan();
            return caller.with(span);
        } catch (RuntimeException e) {
            // Never the caller's own span: ending the request's span must not end it.
            return caller.with(Span.getInvalid());
        }
    }

    /** Starts one stage of an image; end it with {@link #end}. */
    static Span start(String stage, ImageTrace image) {
        try {
            return tracer().spanBuilder(stage).setParent(image.request()).setAttribute("validator.image", image.index())
                    .startSpan();
        } catch (RuntimeException e) {
            return Span.getInvalid();
        }
    }

    /** Ends a span; a failure marks it as an error, named by its image error code where it has one. */
    static void end(Span span, Throwable failure) {
        try {
            if (failure != null) {
                Throwable cause = ValidationService.unwrap(failure);
                span.setStatus(StatusCode.ERROR, cause instanceof IntakeException ie ? ie.error().name()
                        : cause.getClass().getSimpleName());
            }
            span.end();
        } catch (RuntimeException e) {
            // Tracing must never cost an image its answer.
        }
    }

    /** Ends the span of a request's context. */
    static void endRequest(Context request, Throwable failure) {
        end(Span.fromContext(request), failure);
    }

    /** Runs {@code work} with {@code context} current, so that log lines carry its trace id. */
    static <T> T within(Context context, Supplier<T> work) {
        Scope scope;
        try {
            scope = context.makeCurrent();
        } catch (RuntimeException e) {
            return work.get();
        }
        try (scope) {
            return work.get();
        }
    }
}
