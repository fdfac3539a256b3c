package com.ffs.validator.testing;

import static io.restassured.RestAssured.given;

import java.time.Duration;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.specification.RequestSpecification;

/**
 * Models load in the background after start-up; HTTP tests wait for readiness first. Health and metrics live on
 * the management interface, a port of its own.
 */
public final class Readiness {

    private Readiness() {
    }

    /** A request to the management interface, e.g. {@code management().get("/health/ready")}. */
    public static RequestSpecification management() {
        return given().baseUri(ConfigProvider.getConfig().getValue("test.management.url", String.class)).port(-1);
    }

    public static void await() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (management().get("/health/ready").statusCode() == 200) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("service not ready within 60 s: " + management().get("/health/ready").asString());
    }
}
