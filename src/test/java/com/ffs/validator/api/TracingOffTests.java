package com.ffs.validator.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.ImageServerTestResource;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Without configuration tracing is off: no span is recorded, so nothing is exported or logged about exporting. */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
class TracingOffTests {

    @Test
    void noSpanIsRecordedByDefault() {
        Span span = GlobalOpenTelemetry.getOrNoop().getTracer("ffs-validator").spanBuilder("validation").startSpan();
        try {
            assertThat(span.isRecording()).isFalse();
            assertThat(span.getSpanContext().isValid()).isFalse();
        } finally {
            span.end();
        }
    }
}
