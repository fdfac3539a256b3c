package com.ffs.validator.testing;

import static io.restassured.RestAssured.given;

import java.time.Duration;

/** Models load in the background after start-up; HTTP tests wait for readiness first. */
public final class Readiness {

    private Readiness() {
    }

    public static void await() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (given().get("/q/health/ready").statusCode() == 200) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("service not ready within 60 s: " + given().get("/q/health/ready").asString());
    }
}
