package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.ImageServer;
import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;
import com.ffs.validator.validation.ServiceAdmission;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * At capacity ({@code validator.request.max-in-flight-images} images accepted and unanswered) the native API refuses
 * with 503 and Retry-After, while RunPod jobs wait for room and then complete.
 */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
@WithTestResource(OverloadTests.CapOnly.class)
class OverloadTests {

    /**
     * The image cap is what binds here: a queue time no load of this machine reaches. Runtime configuration from a test
     * resource, not a test profile, so that the application is restarted, not built again.
     */
    public static class CapOnly implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("validator.request.max-queue-time", "1h");
        }

        @Override
        public void stop() {
        }
    }

    @Inject
    ServiceAdmission admission;

    @BeforeEach
    void modelsReady() {
        Readiness.await();
    }

    @AfterEach
    void letHeldImagesGo() {
        ImageServerTestResource.server().release();
    }

    @Test
    void shouldRefuseNativeRequestsAndQueueRunPodJobsWhileFull() throws Exception {
        ImageServer images = ImageServerTestResource.server();
        int limit = ConfigProvider.getConfig().getValue("validator.request.max-in-flight-images", Integer.class);
        int perRequest = ConfigProvider.getConfig().getValue("validator.request.max-images", Integer.class);
        images.hold();
        ExecutorService clients = Executors.newFixedThreadPool(limit / perRequest + 2);
        List<List<String>> chunks = new ArrayList<>();
        for (int sent = 0; sent < limit; sent += perRequest) {
            chunks.add(Collections.nCopies(Math.min(perRequest, limit - sent), images.heldImage("formats/red.png")));
        }
        List<CompletableFuture<Response>> filling = new ArrayList<>();
        for (List<String> chunk : chunks) {
            filling.add(send(chunk, clients));
        }
        // Held requests never finish, so a finished one was refused (it waits for its turn): send it again, until the
        // held requests hold every place.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (admission.imagesInFlight() < limit && System.nanoTime() < deadline) {
            for (int i = 0; i < filling.size(); i++) {
                if (filling.get(i).isDone()) {
                    filling.set(i, send(chunks.get(i), clients));
                }
            }
            Thread.sleep(50);
        }
        // Inline, so the probe and the job do not queue behind the held downloads of the same host.
        String fast = "data:image/png;base64," + Base64.getEncoder().encodeToString(
                OverloadTests.class.getResourceAsStream("/images/formats/green.png").readAllBytes());
        Response refused = given().contentType(ContentType.JSON)
                .body(Map.of("action", "nsfw", "images", List.of(fast))).post("/v1/validate");
        assertThat(refused).as("a request is refused once " + limit + " images are in flight").isNotNull();
        refused.then().statusCode(503).contentType("application/problem+json").body("code", equalTo("OVERLOADED"));
        assertThat(refused.header("Retry-After")).isNotBlank();

        CompletableFuture<Response> job = CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                .body(Map.of("input", Map.of("action", "nsfw", "images", List.of(fast)))).post("/runsync"), clients);
        Thread.sleep(500);
        assertThat(job).as("the RunPod job waits for room instead of failing").isNotDone();

        images.release();
        job.get(60, TimeUnit.SECONDS).then().statusCode(200).body("status", equalTo("COMPLETED"))
                .body("output.results", hasSize(1)).body("output.results[0].nsfw.is_nsfw", equalTo(false));
        for (CompletableFuture<Response> f : filling) {
            f.get(60, TimeUnit.SECONDS).then().statusCode(200)
                    .body("results.error", everyItem(nullValue()));
        }
        clients.shutdown();
        given().contentType(ContentType.JSON).body(Map.of("action", "nsfw", "images", List.of(fast)))
                .post("/v1/validate").then().statusCode(200);
    }

    private static CompletableFuture<Response> send(List<String> images, ExecutorService clients) {
        return CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                .body(Map.of("action", "nsfw", "images", images)).post("/v1/validate"), clients);
    }
}
