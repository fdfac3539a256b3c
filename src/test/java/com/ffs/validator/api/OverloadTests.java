package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** At capacity the native API refuses with 503 and Retry-After, while RunPod jobs wait and then complete. */
@QuarkusTest
@TestProfile(OverloadTests.TwoImagesInFlight.class)
@WithTestResource(ImageServerTestResource.class)
class OverloadTests {

    /** Room for two images in flight. */
    public static class TwoImagesInFlight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("validator.request.max-in-flight-images", "2");
        }
    }

    @BeforeEach
    void modelsReady() {
        Readiness.await();
    }

    private static void awaitImagesInFlight(int images) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (given().get("/q/metrics").asString().lines()
                    .anyMatch(l -> l.startsWith("validator_images_in_flight") && l.endsWith(" " + images + ".0"))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("never saw " + images + " images in flight");
    }

    @Test
    void shouldRefuseNativeRequestsAndQueueRunPodJobsWhileFull() throws Exception {
        String slow = ImageServerTestResource.server().slowImage(3000, "formats/red.png");
        String fast = ImageServerTestResource.server().image("formats/green.png");
        long start = System.nanoTime();
        CompletableFuture<Response> filling = CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                .body(Map.of("action", "nsfw", "images", List.of(slow, slow))).post("/v1/validate"));
        awaitImagesInFlight(2);

        Response refused = given().contentType(ContentType.JSON)
                .body(Map.of("action", "nsfw", "images", List.of(fast))).post("/v1/validate");
        refused.then().statusCode(503).contentType("application/problem+json").body("code", equalTo("OVERLOADED"));
        assertThat(refused.header("Retry-After")).isNotBlank();

        given().contentType(ContentType.JSON)
                .body(Map.of("input", Map.of("action", "nsfw", "images", List.of(fast)))).post("/runsync")
                .then().statusCode(200).body("status", equalTo("COMPLETED"))
                .body("output.results", hasSize(1)).body("output.results[0].nsfw.is_nsfw", equalTo(false));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as("the job waited until a slow image (served after 3 s) freed its place").isGreaterThanOrEqualTo(3000);

        filling.get(30, TimeUnit.SECONDS).then().statusCode(200).body("results.nsfw.is_nsfw", equalTo(List.of(true,
                true)));
        given().contentType(ContentType.JSON).body(Map.of("action", "nsfw", "images", List.of(fast)))
                .post("/v1/validate").then().statusCode(200);
    }
}
