package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.HostileImageServer;
import com.ffs.validator.testing.ImageServerTestResource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * One caller's hostile hosts cannot starve another caller: a request of 64 images on servers that drip a byte every
 * half second, spread over 8 ports of one machine (which the per-host cap counts as one server), leaves download
 * slots for a second request's image on another machine.
 */
@QuarkusTest
// Serves no images from the resource; it only shares the application of the other tests that do.
@WithTestResource(ImageServerTestResource.class)
class FairnessTests {

    @Test
    void shouldAnswerAnotherCallersImageWhileDripServersHoldA64ImageRequest() throws Exception {
        List<HostileImageServer> drips = new ArrayList<>();
        try (HostileImageServer other = new HostileImageServer(null, "127.0.0.2")) {
            for (int i = 0; i < 8; i++) {
                drips.add(new HostileImageServer());
            }
            List<String> slow = new ArrayList<>();
            for (HostileImageServer drip : drips) {
                for (int i = 0; i < 8; i++) {
                    slow.add(drip.baseUrl() + "/drip/500/formats/red.png?n=" + i);
                }
            }
            CompletableFuture<Response> hostile = CompletableFuture.supplyAsync(() -> given()
                    .contentType(ContentType.JSON).body(Map.of("action", "nsfw", "images", slow))
                    .post("/v1/validate"));
            // The hostile request holds every slot it may before the other caller arrives.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (drips.stream().mapToInt(d -> d.requests.get()).sum() < 8 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(drips.stream().mapToInt(d -> d.requests.get()).sum()).isGreaterThanOrEqualTo(8);

            long start = System.nanoTime();
            Response fair = given().contentType(ContentType.JSON)
                    .body(Map.of("action", "nsfw", "images", List.of(other.baseUrl() + "/image/formats/red.png")))
                    .post("/v1/validate");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(fair.statusCode()).isEqualTo(200);
            assertThat(fair.jsonPath().getString("results[0].nsfw.score")).isNotNull();
            assertThat(millis).as("the other caller's answer time").isLessThan(5000);
            assertThat(hostile).isNotDone();
        } finally {
            // Closing the drips ends their downloads at once; the hostile request is still answered, image by image.
            drips.forEach(HostileImageServer::close);
        }
    }
}
