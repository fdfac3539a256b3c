package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.assertj.core.data.Offset;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.testing.ImageServer;
import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Images from many concurrent requests meet in the same batches; each must still get exactly the result it gets
 * when sent alone: nothing lost, duplicated or swapped between requests, through both faces.
 */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class) // the same resources as the other HTTP tests: no restart between them
class ConcurrentRequestsTests {

    private static final int IMAGES = 40;
    private static final int CLIENTS = 12;
    private static final int REQUESTS_PER_CLIENT = 6;
    private static final int IMAGES_PER_REQUEST = 4;
    private static final double TOLERANCE = 1e-6;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void modelsReady() {
        Readiness.await();
    }

    @Test
    void shouldGiveEveryImageOfConcurrentRequestsTheResultItGetsAlone() throws Exception {
        List<String> images = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            images.add(solidPng(new Color((i * 37 + 20) % 256, (i * 91 + 40) % 256, (i * 53 + 80) % 256)));
        }
        List<JsonNode> alone = new ArrayList<>();
        for (String image : images) {
            alone.add(post("/v1/validate", List.of(image)).get(0));
        }
        assertDistinct(alone);

        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Void>> clients = new ArrayList<>();
        List<List<Integer>> sent = Collections.synchronizedList(new ArrayList<>());
        List<List<JsonNode>> received = Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Callable<Void> task = () -> {
                SplittableRandom random = new SplittableRandom(client);
                for (int r = 0; r < REQUESTS_PER_CLIENT; r++) {
                    List<Integer> picks = new ArrayList<>();
                    List<String> body = new ArrayList<>();
                    for (int k = 0; k < IMAGES_PER_REQUEST; k++) {
                        int pick = random.nextInt(IMAGES);
                        picks.add(pick);
                        body.add(images.get(pick));
                    }
                    String path = (client + r) % 2 == 0 ? "/v1/validate" : "/runsync";
                    List<JsonNode> results = post(path, body);
                    synchronized (sent) {
                        sent.add(picks);
                        received.add(results);
                    }
                }
                return null;
            };
            clients.add(pool.submit(task));
        }
        for (Future<?> f : clients) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(sent).hasSize(CLIENTS * REQUESTS_PER_CLIENT);
        for (int r = 0; r < sent.size(); r++) {
            List<Integer> picks = sent.get(r);
            List<JsonNode> results = received.get(r);
            assertThat(results).hasSize(picks.size());
            for (int k = 0; k < picks.size(); k++) {
                assertSameResult(results.get(k), alone.get(picks.get(k)), "request " + r + " image " + k);
            }
        }
        assertThat(largestBatch("nsfw")).as("concurrent images were batched together").isGreaterThan(1);
    }

    @Test
    void shouldRunTheOtherImagesOfARequestWhileOneIsStillDownloading() throws Exception {
        ImageServer server = ImageServerTestResource.server();
        server.hold();
        try {
            double batchesBefore = batches("nsfw");
            List<String> images = List.of(server.heldImage("formats/red.png"), server.image("formats/green.png"));
            CompletableFuture<Response> response = CompletableFuture
                    .supplyAsync(() -> given()
                            .contentType(ContentType.JSON)
                            .body(Map.of("action", "nsfw", "images", images)).post("/v1/validate"),
                            Executors.newSingleThreadExecutor());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (batches("nsfw") == batchesBefore && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(batches("nsfw")).as("the fast image was inferred").isGreaterThan(batchesBefore);
            assertThat(response).as("while the other image of its request is still downloading").isNotDone();
            server.release();
            response.get(30, TimeUnit.SECONDS).then().statusCode(200)
                    .body("results.nsfw.is_nsfw", Matchers.equalTo(List.of(true, false)));
        } finally {
            server.release();
        }
    }

    private static double batches(String model) {
        Matcher m = Pattern.compile("validator_inference_batch_size_count\\{[^}]*model=\"" + model + "\"[^}]*} (\\S+)")
                .matcher(Readiness.management().get("/metrics").asString());
        assertThat(m.find()).as("batch count metric present").isTrue();
        return Double.parseDouble(m.group(1));
    }

    private List<JsonNode> post(String path, List<String> images) throws IOException, InterruptedException {
        Map<String, Object> request = Map.of("action", "validate", "images", images);
        Object body = path.equals("/runsync") ? Map.of("input", request) : request;
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + RestAssured.port + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode root = json.readTree(response.body());
        JsonNode results = path.equals("/runsync") ? root.path("output").path("results") : root.path("results");
        assertThat(results.isArray()).as(response.body()).isTrue();
        List<JsonNode> out = new ArrayList<>();
        results.forEach(out::add);
        return out;
    }

    private static void assertSameResult(JsonNode actual, JsonNode expected, String where) {
        assertThat(actual.has("error")).as(where + ": " + actual).isFalse();
        assertThat(actual.at("/nsfw/score").asDouble()).as(where + " nsfw")
                .isCloseTo(expected.at("/nsfw/score").asDouble(), Offset.offset(TOLERANCE));
        assertThat(actual.at("/fashion/score").asDouble()).as(where + " fashion")
                .isCloseTo(expected.at("/fashion/score").asDouble(), Offset.offset(TOLERANCE));
        JsonNode a = actual.get("embedding");
        JsonNode e = expected.get("embedding");
        assertThat(a.size()).isEqualTo(e.size());
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).asDouble()).as(where + " embedding[" + i + "]")
                    .isCloseTo(e.get(i).asDouble(), Offset.offset(TOLERANCE));
        }
    }

    /** A swapped result must be visible: every image's embedding differs clearly from every other's. */
    private static void assertDistinct(List<JsonNode> results) {
        for (int i = 0; i < results.size(); i++) {
            for (int j = i + 1; j < results.size(); j++) {
                double diff = 0;
                JsonNode a = results.get(i).get("embedding");
                JsonNode b = results.get(j).get("embedding");
                for (int k = 0; k < a.size(); k++) {
                    diff = Math.max(diff, Math.abs(a.get(k).asDouble() - b.get(k).asDouble()));
                }
                assertThat(diff).as("images %d and %d are told apart", i, j).isGreaterThan(1e-3);
            }
        }
    }

    private static double largestBatch(String model) {
        String metrics = Readiness.management().get("/metrics").asString();
        Matcher m = Pattern.compile("validator_inference_batch_size_max\\{[^}]*model=\"" + model + "\"[^}]*} (\\S+)")
                .matcher(metrics);
        assertThat(m.find()).as("batch size metric present").isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String solidPng(Color colour) throws IOException {
        BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, colour.getRGB());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
