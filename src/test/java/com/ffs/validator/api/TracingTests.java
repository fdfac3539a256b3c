package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.ConsoleLines;
import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.OtlpCollector;
import com.ffs.validator.testing.OtlpCollector.Span;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Tracing turned on as an operator would (the SDK enabled, an OTLP/HTTP endpoint, {@code http/protobuf}), against a
 * collector in the test: a request is one trace whose spans are named for its stages, each model batch links to the
 * images in it, a RunPod job's span carries the job id, and log lines carry the trace id.
 */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
@WithTestResource(OtlpCollector.class)
class TracingTests {

    private static final Duration EXPORT_WAIT = Duration.ofSeconds(20);

    @BeforeEach
    void modelsReady() {
        Readiness.await();
    }

    /** Waits until the collector holds spans matching {@code done}, then returns them. */
    private static List<Span> await(Predicate<List<Span>> done) throws InterruptedException {
        long deadline = System.nanoTime() + EXPORT_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<Span> spans = OtlpCollector.spans();
            if (done.test(spans)) {
                return spans;
            }
            Thread.sleep(50);
        }
        return OtlpCollector.spans();
    }

    private static List<Span> inTrace(List<Span> spans, String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    private static Set<String> names(List<Span> spans) {
        return spans.stream().map(Span::name).collect(Collectors.toSet());
    }

    @Test
    void aRequestIsOneTraceWithASpanPerStageAndBatchesLinkedToTheirImages() throws Exception {
        String red = ImageServerTestResource.server().image("formats/red.png");
        String missing = ImageServerTestResource.server().baseUrl() + "/status/404";
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        given().contentType(ContentType.JSON).header("traceparent", traceparent)
                .body(Map.of("action", "validate", "images", List.of(red, missing))).post("/v1/validate")
                .then().statusCode(200);

        String traceId = "0af7651916cd43dd8448eb211c80319c";
        List<Span> trace = inTrace(await(spans -> inTrace(spans, traceId).stream()
                .filter(s -> s.name().equals("inference")).count() >= 3
                && inTrace(spans, traceId).stream().anyMatch(s -> s.name().equals("validation"))), traceId);

        assertThat(names(trace)).contains("validation", "fetch", "decode", "preprocess", "inference");
        Span validation = trace.stream().filter(s -> s.name().equals("validation")).findFirst().orElseThrow();
        assertThat(validation.attributes()).containsEntry("validator.action", "validate")
                .containsEntry("validator.images", "2");
        // Each image's stages hang off the request's span; the image that could not be fetched stops at fetch.
        List<Span> stages = trace.stream().filter(s -> Set.of("fetch", "decode", "preprocess").contains(s.name()))
                .toList();
        assertThat(stages).allSatisfy(s -> assertThat(s.parentSpanId()).isEqualTo(validation.spanId()));
        assertThat(stages.stream().filter(s -> s.name().equals("fetch"))
                .map(s -> s.attributes().get("validator.image"))).containsExactlyInAnyOrder("0", "1");
        assertThat(stages.stream().filter(s -> s.name().equals("fetch") && s.statusCode() == 2)
                .map(s -> s.attributes().get("validator.image"))).containsExactly("1");
        assertThat(stages.stream().filter(s -> !s.name().equals("fetch"))
                .map(s -> s.attributes().get("validator.image"))).containsOnly("0");
        // One preprocess per model, and each model's batch links to that image's preprocess span.
        List<Span> preprocess = stages.stream().filter(s -> s.name().equals("preprocess")).toList();
        assertThat(preprocess).hasSize(3);
        List<Span> batches = trace.stream().filter(s -> s.name().equals("inference")).toList();
        assertThat(batches.stream().map(s -> s.attributes().get("validator.model")))
                .containsExactlyInAnyOrder("nsfw", "clip", "siglip");
        Set<String> preprocessIds = preprocess.stream().map(Span::spanId).collect(Collectors.toSet());
        assertThat(batches).allSatisfy(batch -> {
            assertThat(batch.links()).isNotEmpty()
                    .allSatisfy(link -> assertThat(link.traceId()).isEqualTo(traceId));
            assertThat(batch.links().stream().map(OtlpCollector.Link::spanId)).containsAnyElementsOf(preprocessIds);
            assertThat(preprocessIds).contains(batch.parentSpanId());
        });
        assertThat(OtlpCollector.paths()).allSatisfy(p -> assertThat(p).isEqualTo("/v1/traces"));
    }

    @Test
    void aRunPodJobsSpanCarriesItsIdAndHoldsItsRequest() throws Exception {
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("input", Map.of("action", "nsfw", "images",
                        List.of(ImageServerTestResource.server().image("formats/green.jpg")))))
                .post("/runsync").then().statusCode(200).extract().path("id");

        List<Span> spans = await(all -> all.stream().anyMatch(s -> id.equals(s.attributes().get("runpod.job.id")))
                && all.stream().anyMatch(s -> s.name().equals("inference")));
        Span job = spans.stream().filter(s -> id.equals(s.attributes().get("runpod.job.id"))).findFirst().orElseThrow();
        assertThat(job.name()).isEqualTo("runpod.job");
        List<Span> trace = inTrace(await(all -> inTrace(all, job.traceId()).stream()
                .anyMatch(s -> s.name().equals("inference"))), job.traceId());
        Span validation = trace.stream().filter(s -> s.name().equals("validation")).findFirst().orElseThrow();
        assertThat(validation.parentSpanId()).isEqualTo(job.spanId());
        assertThat(names(trace)).contains("fetch", "decode", "preprocess", "inference");
    }

    @Test
    void logLinesWrittenForARequestCarryItsTraceId() {
        List<String> lines;
        try (ConsoleLines console = ConsoleLines.of("com.ffs.validator")) {
            String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            String missing = ImageServerTestResource.server().baseUrl() + "/status/404";
            given().contentType(ContentType.JSON).header("traceparent", traceparent)
                    .body(Map.of("action", "nsfw", "images", List.of(missing))).post("/v1/validate")
                    .then().statusCode(200);
            lines = console.lines();
        }
        // The line that says why the image failed ends with the request's trace id.
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("Image answered FETCH_HTTP_STATUS")
                .contains(" 4bf92f3577b34da6a3ce929d0e0e4736"));
    }
}
