package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.inference.DemoModels;
import com.ffs.validator.testing.HostileImages;

/**
 * The packaged jar, started with the container's JVM options ({@code -XX:+ExitOnOutOfMemoryError} and the rest of
 * {@code JAVA_OPTS} in {@code Dockerfile.jvm}) and a 256 MB heap, takes the whole hostile corpus at once, mixed with
 * good images, three requests in parallel: every hostile image gets its error code (never {@code INTERNAL_ERROR}) or
 * a result, every good image its scores, the process stays up and serves afterwards, and its peak resident memory
 * stays under {@link #PEAK_RSS_MB}.
 */
class HostileCorpusIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final String KEY = "hostile-corpus-it-key-5d1e";
    /**
     * Heap 256 MB, the JVM's own memory, ONNX Runtime with the small test graphs, native decoder buffers: 435 MB
     * measured on the development machine.
     */
    static final long PEAK_RSS_MB = 700;

    /** What each hostile file may end as: error codes, or "result" for scores. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("png-1785714x1-grey", Set.of("result", "IMAGE_TOO_LARGE")),
            Map.entry("png-1x1785714-grey", Set.of("result", "IMAGE_TOO_LARGE")),
            Map.entry("bmp-embedded-png-2gib", Set.of("UNSUPPORTED_FORMAT")),
            Map.entry("tiff-2048x2048-256-samples", Set.of("UNSUPPORTED_FORMAT")),
            Map.entry("gif-65535x65535-screen-1x1-frame", Set.of("IMAGE_TOO_LARGE")),
            Map.entry("png-ztxt-1gib", Set.of("result")),
            Map.entry("png-palette-ztxt-1gib", Set.of("result")),
            Map.entry("jpeg-sof-65000x65000", Set.of("IMAGE_TOO_LARGE")),
            Map.entry("webp-canvas-16384x16384", Set.of("IMAGE_TOO_LARGE")),
            Map.entry("png-9000x9000-16bit", Set.of("IMAGE_TOO_LARGE")),
            Map.entry("jpeg-8000x8000-progressive", Set.of("IMAGE_TOO_LARGE")),
            Map.entry("gif-5000-frames", Set.of("result")),
            Map.entry("tiff-16x16-lzw-tile-65536x65536", Set.of("IMAGE_TOO_LARGE")),
            Map.entry("tiff-8000x8000-deflate-zeros", Set.of("IMAGE_TOO_LARGE")),
            Map.entry("tiff-3000x2000-deflate-zeros", Set.of("result")),
            Map.entry("bmp-4000x4000-rle8-empty", Set.of("DECODE_FAILED")));

    @TempDir
    static Path dir;

    private static Process process;
    private static int port;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Path models = dir.resolve("models");
        DemoModels.writeAll(models);
        for (String model : new String[] { "nsfw", "clip", "siglip" }) {
            Path config = models.resolve(model).resolve("config.json");
            Files.writeString(config, Files.readString(config).replace("\"ffs_demo\" : true", "\"ffs_demo\" : false")
                    .replace("demo/", "exported/"));
        }
        port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(containerJvmOptions());
        command.add("-Xmx256m");
        command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.log").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("VALIDATOR_") || k.startsWith("RUNPOD_")
                || k.startsWith("PORT"));
        env.putAll(Map.of("QUARKUS_PROFILE", "pod", "VALIDATOR_MODELS_DIR", models.toString(),
                "VALIDATOR_INFERENCE_DEVICE", "cpu", "VALIDATOR_API_KEYS", KEY,
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(freePort())));
        process = builder.start();
        awaitReady();
    }

    @AfterAll
    static void stop() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /** The {@code -XX} options of the service image's {@code JAVA_OPTS}, its heap percentage aside. */
    static List<String> containerJvmOptions() throws IOException {
        String dockerfile = Files.readString(Path.of("src/main/docker/Dockerfile.jvm"));
        Matcher m = Pattern.compile("JAVA_OPTS=\"([^\"]*)\"").matcher(dockerfile);
        assertThat(m.find()).as("JAVA_OPTS in Dockerfile.jvm").isTrue();
        List<String> options = Arrays.stream(m.group(1).split("\\s+"))
                .filter(o -> o.startsWith("-XX:") && !o.startsWith("-XX:MaxRAMPercentage")).toList();
        assertThat(options).contains("-XX:+ExitOnOutOfMemoryError");
        return options;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String output() {
        try {
            return Files.readString(dir.resolve("output.log"));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("the service is running; output:\n%s", output()).isTrue();
            try {
                HttpResponse<String> r = validate(List.of(good("red.png")), "nsfw");
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the service never became ready; output:\n" + output());
    }

    private static HttpResponse<String> validate(List<String> images, String action) throws Exception {
        String body = JSON.writeValueAsString(Map.of("action", action, "images", images));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/validate"))
                .timeout(Duration.ofSeconds(300)).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String good(String file) throws IOException {
        try (var in = HostileCorpusIT.class.getResourceAsStream("/images/formats/" + file)) {
            return "data:image/x;base64," + Base64.getEncoder().encodeToString(in.readAllBytes());
        }
    }

    /** Peak resident set of the service process, from the kernel's high-water mark. */
    private static long peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmHWM");
    }

    @Test
    void shouldSurviveTheWholeHostileCorpusAtOnceAndServeTheGoodImages() throws Exception {
        Map<String, byte[]> corpus = HostileImages.all();
        assertThat(corpus.keySet()).isEqualTo(ALLOWED.keySet());
        List<String> names = new ArrayList<>();
        List<String> images = new ArrayList<>();
        for (String file : List.of("red.png", "green.jpg", "blue.gif")) {
            names.add("good:" + file);
            images.add(good(file));
        }
        corpus.forEach((name, bytes) -> {
            names.add(name);
            images.add(Base64.getEncoder().encodeToString(bytes));
        });

        List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            requests.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return validate(images, "validate");
                } catch (Exception e) {
                    throw new IllegalStateException("request failed; output:\n" + output(), e);
                }
            }));
        }

        for (CompletableFuture<HttpResponse<String>> request : requests) {
            HttpResponse<String> response = request.join();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode results = JSON.readTree(response.body()).get("results");
            assertThat(results).hasSize(images.size());
            Map<String, String> outcomes = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                JsonNode r = results.get(i);
                String outcome = r.has("error") ? r.get("error").get("code").asText() : "result";
                outcomes.put(names.get(i), outcome);
                if (names.get(i).startsWith("good:")) {
                    assertThat(r.has("nsfw") && r.has("fashion") && r.has("embedding")).as(r.toString()).isTrue();
                } else {
                    assertThat(ALLOWED.get(names.get(i))).as("%s: %s", names.get(i), r).contains(outcome);
                }
            }
            assertThat(outcomes).doesNotContainValue("INTERNAL_ERROR");
        }
        assertThat(process.isAlive()).as("the service is still running; output:\n%s", output()).isTrue();
        assertThat(validate(List.of(good("green.jpg")), "validate").statusCode()).isEqualTo(200);
        long peak = peakRssMb();
        System.out.printf("Hostile corpus: peak RSS %d MB (bound %d MB)%n", peak, PEAK_RSS_MB);
        assertThat(peak).as("peak resident memory in MB").isLessThan(PEAK_RSS_MB);
        assertThat(output()).doesNotContain("OutOfMemoryError");
    }
}
