package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.testing.ImageServer;
import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;
import com.ffs.validator.validation.ValidationService;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Work whose caller has gone leaves the service: a caller that closes its connection takes its images out of every
 * queue (the in-flight count is back to zero within a second), and a request's {@code timeout_ms} answers its
 * unfinished images {@code CANCELLED} while its finished ones keep their results. Other requests lose nothing.
 */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
class CancellationTests {

    @Inject
    ValidationService service;

    @ConfigProperty(name = "quarkus.http.port")
    int port;

    private final ImageServer images = ImageServerTestResource.server();

    @BeforeEach
    void ready() {
        Readiness.await();
    }

    @AfterEach
    void release() {
        images.release();
    }

    /** Waits until the service reaches a state on its own threads; fails after {@code millis}. */
    private static void within(long millis, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void shouldTakeACallersImagesOutOfEveryQueueWhenItDisconnects() throws Exception {
        images.hold();
        List<String> held = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            held.add(images.heldImage("formats/red.png") + "?i=" + i);
        }
        byte[] body = new ObjectMapper().writeValueAsBytes(Map.of("action", "nsfw", "images", held));
        try (Socket socket = new Socket(URI.create("http://127.0.0.1").getHost(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            within(10_000, () -> service.imagesInFlight() == 12, "the request's images are in flight");
        }
        long closed = System.nanoTime();
        within(1_000, () -> service.imagesInFlight() == 0, "in flight back to zero within a second of the caller leaving");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed)).isLessThan(1_000);

        // The service still answers everyone else.
        given().contentType(ContentType.JSON)
                .body(Map.of("action", "nsfw", "images", List.of(images.image("formats/green.png"))))
                .post("/v1/validate").then().statusCode(200);
    }

    @Test
    void shouldAnswerImagesNotDoneByTheDeadlineCancelledAndKeepTheOthers() {
        images.hold();
        CompletableFuture<Response> other = CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                .body(Map.of("action", "nsfw", "images", List.of(images.image("formats/blue.png"),
                        images.image("formats/red.png"))))
                .post("/v1/validate"));

        Response r = given().contentType(ContentType.JSON)
                .body(Map.of("action", "nsfw", "timeout_ms", 1500, "images", List.of(
                        images.image("formats/green.png"), images.heldImage("formats/red.png"))))
                .post("/v1/validate");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getString("results[0].nsfw.score")).isNotNull();
        assertThat(r.jsonPath().getString("results[1].error.code")).isEqualTo("CANCELLED");
        assertThat(r.jsonPath().getString("results[1].error.message")).contains("deadline of 1500 ms");
        within(1_000, () -> service.imagesInFlight() == 0, "the held image left the service");

        Response unaffected = other.join();
        assertThat(unaffected.statusCode()).isEqualTo(200);
        assertThat(unaffected.jsonPath().getList("results.nsfw.score")).hasSize(2).doesNotContainNull();
    }

    @Test
    void shouldRefuseAnUnreasonableDeadline() {
        for (Object timeout : List.of(0, -5, 600_001)) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("images", List.of(images.image("formats/green.png")), "timeout_ms", timeout))
                    .post("/v1/validate").then().statusCode(400);
        }
    }
}
