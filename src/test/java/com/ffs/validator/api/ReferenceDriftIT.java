package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.DriftingModelsTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;

/**
 * The packaged jar on a model directory whose SigLIP reference outputs drift from what the service computes:
 * start-up refuses readiness naming the model and the difference, and requests get 503 with the same reason.
 */
@QuarkusIntegrationTest
@WithTestResource(DriftingModelsTestResource.class)
class ReferenceDriftIT {

    @Test
    void startUpShouldRefuseReadinessNamingTheModelAndTheDifference() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Readiness.management().get("/health/ready").asString().contains("failure") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Readiness.management().get("/health/ready").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks[0].data.failure", containsString("siglip (demo/marqo-fashionSigLIP): the service's "
                        + "pipeline drifts from"))
                .body("checks[0].data.failure", containsString("on image 'gradient-64x48.png': cosine"))
                .body("checks[0].data.failure", containsString("tolerance 0.9999 (fp32 graph)"));
        given().contentType(ContentType.JSON).body(Map.of("action", "nsfw", "images", List.of("data:x")))
                .post("/v1/validate").then().statusCode(503)
                .body("code", equalTo("MODELS_FAILED"))
                .body("detail", containsString("/q/health/ready"))
                .body("detail", Matchers.not(containsString("/tmp")));
    }
}
