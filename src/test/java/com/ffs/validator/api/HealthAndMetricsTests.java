package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Health probes, Prometheus metrics and the OpenAPI document. */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
class HealthAndMetricsTests {

    @BeforeEach
    void modelsReady() {
        Readiness.await();
    }

    @Test
    void shouldReportEachModelInReadinessData() {
        Readiness.management().get("/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("models"))
                .body("checks[0].data.state", equalTo("READY"))
                .body("checks[0].data.'nsfw.demo'", equalTo(true))
                .body("checks[0].data.'clip.provider'", equalTo("CPU"))
                .body("checks[0].data.'siglip.name'", containsString("demo"))
                .body("checks[0].data.'nsfw.load_ms'", greaterThanOrEqualTo(0))
                .body("checks[0].data.'siglip.reference_check'", startsWith("3 images, 0 texts within tolerance"))
                .body("checks[0].data.'nsfw.reference_check'", containsString("max |difference|"));
    }

    @Test
    void shouldBeLiveAndStarted() {
        Readiness.management().get("/health/live").then().statusCode(200).body("status", equalTo("UP"));
        Readiness.management().get("/health/started").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void shouldExportRequestImageAndModelMetrics() {
        String good = ImageServerTestResource.server().image("formats/red.png");
        String missing = ImageServerTestResource.server().baseUrl() + "/status/404";
        given().contentType(ContentType.JSON).body(Map.of("images", List.of(good, missing))).post("/v1/validate")
                .then().statusCode(200);
        Readiness.management().get("/metrics").then().statusCode(200)
                .body(containsString("validator_requests_total{action=\"validate\",outcome=\"ok\"}"))
                .body(containsString("validator_images_total{code=\"FETCH_HTTP_STATUS\",outcome=\"error\"}"))
                .body(containsString("validator_images_total{code=\"none\",outcome=\"ok\"}"))
                .body(containsString("validator_inference_duration_seconds_count{model=\"nsfw\"}"))
                .body(containsString("validator_inference_batch_size_count{model=\"siglip\"}"))
                .body(containsString("validator_model_load_seconds{model=\"clip\"}"))
                .body(containsString("validator_images_in_flight"))
                .body(containsString("validator_stage_duration_seconds_count{stage=\"decode\"}"));
    }

    @Test
    void shouldPublishTheApiInOpenApi() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths", Matchers.hasKey("/v1/validate"))
                .body("paths", Matchers.hasKey("/runsync"))
                .body("paths", Matchers.hasKey("/v2/{endpointId}/run"))
                .body("components.schemas.ValidationRequest.properties", Matchers.hasKey("images"))
                .body("components.schemas.ImageResult.properties", Matchers.hasKey("embedding"))
                .body("components.schemas.NsfwResult.properties", Matchers.hasKey("is_nsfw"));
    }
}
