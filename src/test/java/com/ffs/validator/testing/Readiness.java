package com.ffs.validator.testing;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.specification.RequestSpecification;

/**
 * Models load in the background after start-up; HTTP tests wait for readiness first. Health and metrics live on
 * the management interface, a port of its own.
 */
public final class Readiness {

    private Readiness() {
    }

    /** System property naming the management URL of a packaged jar started by an integration test. */
    static final String PACKAGED_MANAGEMENT_URL = "ffs.test.packaged-management-url";

    /** A request to the management interface, e.g. {@code management().get("/health/ready")}. */
    public static RequestSpecification management() {
        String url = System.getProperty(PACKAGED_MANAGEMENT_URL);
        if (url == null) {
            url = ConfigProvider.getConfig().getValue("test.management.url", String.class);
        }
        return given().baseUri(url).port(-1);
    }

    /**
     * For a packaged jar started by {@code @QuarkusIntegrationTest}: a free management port, as configuration for the
     * jar, remembered for {@link #management()} in this JVM (the launcher only discovers the HTTP port by itself).
     */
    public static Map<String, String> packagedManagementPort() {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty(PACKAGED_MANAGEMENT_URL, "http://localhost:" + port + "/q");
        return Map.of("quarkus.management.port", Integer.toString(port));
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
