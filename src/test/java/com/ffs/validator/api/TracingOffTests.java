package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.ConsoleLines;
import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.OtlpCollector;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Tracing is off as the service ships: even with an OTLP endpoint configured, nothing is exported until the SDK is
 * turned on (QUARKUS_OTEL_SDK_DISABLED=false), so a service without a collector never tries to reach one, and log lines
 * carry no trace id.
 */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
@WithTestResource(OtlpCollector.SdkLeftDisabled.class)
class TracingOffTests {

    @Test
    void nothingIsExportedUntilTheSdkIsTurnedOn() throws InterruptedException {
        Readiness.await();
        List<String> lines;
        try (ConsoleLines console = ConsoleLines.of("com.ffs.validator")) {
            String missing = ImageServerTestResource.server().baseUrl() + "/status/404";
            given().contentType(ContentType.JSON).header("traceparent",
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                    .body(Map.of("images", List.of(ImageServerTestResource.server().image("formats/red.png"),
                            missing)))
                    .post("/v1/validate").then().statusCode(200);
            lines = console.lines();
        }
        // Log lines carry no trace id that leads nowhere.
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("Image answered FETCH_HTTP_STATUS"))
                .noneSatisfy(line -> assertThat(line).contains("4bf92f3577b34da6a3ce929d0e0e4736"));
        // An absence: ten export intervals pass with nothing sent (TracingTests sees spans after one).
        Thread.sleep(OtlpCollector.EXPORT_DELAY.multipliedBy(10).toMillis());
        assertThat(OtlpCollector.paths()).isEmpty();
        assertThat(OtlpCollector.spans()).isEmpty();
    }
}
