package com.ffs.validator.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.ffs.validator.inference.DemoModels;

/**
 * The packaged jar in the pod profile, started as the Kubernetes manifests start it (QUARKUS_PROFILE=pod, settings
 * from the environment): without keys it refuses to start and says which settings to set; with keys every route on
 * the API port, Quarkus's OpenAPI document and Swagger UI included, needs one, and bodies must be JSON. The demo
 * graphs, without their demo marker, stand in for real exports.
 */
class PodProfileIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Duration START = Duration.ofSeconds(90);
    private static final String KEY = "pod-it-key-7f3a9c2e51d84b06";

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static Path models;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;
    private int port;
    private int managementPort;

    @BeforeAll
    static void exportedModels() throws IOException {
        models = shared.resolve("models");
        DemoModels.writeAll(models);
        for (String model : new String[] { "nsfw", "clip", "siglip" }) {
            Path config = models.resolve(model).resolve("config.json");
            Files.writeString(config, Files.readString(config).replace("\"ffs_demo\" : true", "\"ffs_demo\" : false")
                    .replace("demo/", "exported/"));
        }
    }

    @AfterEach
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private void launch(Map<String, String> settings) throws IOException {
        port = freePort();
        managementPort = freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toAbsolutePath().toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("output.log").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("VALIDATOR_") || k.startsWith("RUNPOD_")
                || k.startsWith("PORT"));
        env.putAll(Map.of("QUARKUS_PROFILE", "pod", "VALIDATOR_MODELS_DIR", models.toString(),
                "VALIDATOR_INFERENCE_DEVICE", "cpu", "QUARKUS_HTTP_PORT", Integer.toString(port),
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort)));
        env.putAll(settings);
        process = builder.start();
    }

    private String output() {
        try {
            return Files.readString(dir.resolve("output.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the API port answers; the process must stay up meanwhile. */
    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("the service is running; output:\n%s", output()).isTrue();
            try {
                send(HttpRequest.newBuilder(api("/ping")).build());
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the API port never answered; output:\n" + output());
    }

    private URI api(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(api(path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return send(b.build());
    }

    private HttpResponse<String> post(String path, String key, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(api(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.build());
    }

    @Test
    void withoutKeysThePodRefusesToStartAndNamesBothSettings() throws Exception {
        launch(Map.of());
        assertThat(process.waitFor(START.toSeconds(), TimeUnit.SECONDS)).as("process ended; output:\n%s", output())
                .isTrue();
        String output = output();
        assertThat(process.exitValue()).as(output).isNotZero();
        assertThat(output).contains("validator.api.keys", "VALIDATOR_API_KEYS", "validator.api.allow-anonymous=true",
                "VALIDATOR_API_ALLOW_ANONYMOUS=true");
    }

    @Test
    void withAKeyEveryRouteOnTheApiPortNeedsItAndBodiesMustBeJson() throws Exception {
        launch(Map.of("VALIDATOR_API_KEYS", KEY));
        awaitListening();

        for (String path : List.of("/q/openapi", "/q/swagger-ui/", "/q/openapi?format=json")) {
            HttpResponse<String> refused = get(path, null);
            assertThat(refused.statusCode()).as(path).isEqualTo(401);
            assertThat(refused.body()).contains("\"code\":\"UNAUTHORIZED\"");
        }
        HttpResponse<String> document = get("/q/openapi", KEY);
        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(document.body()).contains("/v1/validate");

        String json = "{\"images\": [\"https://example.com/a.jpg\"]}";
        assertThat(post("/v1/validate", null, "application/json", json).statusCode()).isEqualTo(401);
        assertThat(post("/runsync", "wrong-key", "application/json", "{\"input\": " + json + "}").statusCode())
                .isEqualTo(401);

        List<HttpResponse<String>> refused = new ArrayList<>();
        refused.add(post("/v1/validate", KEY, "application/x-www-form-urlencoded", "images=https://example.com/a.jpg"));
        refused.add(post("/runsync", KEY, "text/plain", "{\"input\": " + json + "}"));
        refused.add(post("/run", KEY, null, "{\"input\": " + json + "}"));
        for (HttpResponse<String> response : refused) {
            assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(415);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(response.body()).contains("\"code\":\"UNSUPPORTED_MEDIA_TYPE\"");
        }

        // Probes and metrics stay on the management port, outside the keys.
        HttpResponse<String> live = send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/q/health/live")).build());
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(output()).contains("API keys required on API routes (1 key(s) configured)").doesNotContain(KEY);
    }

    @Test
    void anonymousAccessChosenOnPurposeStartsAnOpenApi() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("VALIDATOR_API_ALLOW_ANONYMOUS", "true");
        launch(settings);
        awaitListening();
        HttpResponse<String> open = post("/v1/validate", null, "application/json", "{\"images\": []}");
        assertThat(open.statusCode()).as(open.body()).isIn(400, 503);
        assertThat(get("/q/openapi", null).statusCode()).isEqualTo(200);
        assertThat(output()).contains("API routes are open");
    }
}
