package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.ffs.validator.image.ImageFetcher;
import com.ffs.validator.testing.HostileImageServer;
import com.ffs.validator.testing.ImageServer;
import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;
import com.ffs.validator.validation.ServiceAdmission;
import com.ffs.validator.validation.ValidationService;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Many clients at once for a bounded time (about a minute; {@code -Dsoak.seconds=600} for longer), mixing
 * {@code /v1/validate}, {@code /v1/embeddings/text}, {@code /run} + {@code /status} and {@code /runsync}, against image
 * servers that delay, reset connections and fail. Every request gets a valid answer (a result per image or an honest
 * 503), every image its own result (each colour has its own embedding, each broken URL its own error), and at the end
 * nothing is left in flight (admission, downloads, body memory) and the heap after a collection is back near where it
 * started.
 */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
@Tag("slow")
class SoakTests {

    private static final int CLIENTS = 12;
    private static final String[] COLOURS = { "red.png", "green.png", "blue.png", "green.jpg", "red.jpg", "blue.gif" };

    @Inject
    ValidationService service;

    @Inject
    ServiceAdmission admission;

    @Inject
    ImageFetcher fetcher;

    private final Map<String, float[]> expected = new ConcurrentHashMap<>();

    @BeforeEach
    void learnEachColoursEmbedding() {
        Readiness.await();
        ImageServer images = ImageServerTestResource.server();
        for (String colour : COLOURS) {
            JsonPath r = given().contentType(ContentType.JSON)
                    .body(Map.of("action", "embedding", "images", List.of(images.image("formats/" + colour))))
                    .post("/v1/validate").then().statusCode(200).extract().jsonPath();
            expected.put(colour, floats(r.getList("results[0].embedding", Float.class)));
        }
    }

    private static float[] floats(List<Float> list) {
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** What one image reference should come back as: a colour's embedding, or an error code. */
    private record Sent(String url, String colour, String errorCode) {
    }

    @Test
    void shouldAnswerEveryRequestWithItsOwnResultsAndLeaveNothingBehind() throws Exception {
        long seconds = Long.getLong("soak.seconds", 60);
        long heapBefore = heapAfterGc();
        ImageServer images = ImageServerTestResource.server();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        try (HostileImageServer hostile = new HostileImageServer(null, "127.0.0.2")) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Random random = new Random(c);
                running.add(clients.submit(() -> {
                    while (System.nanoTime() < end) {
                        switch (random.nextInt(6)) {
                            case 0, 1 -> validate(random, images, hostile, answered, refused);
                            case 2 -> embedTexts(random, answered, refused);
                            case 3 -> runAndPoll(random, images, hostile, answered, refused);
                            default -> runsync(random, images, hostile, answered, refused);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(seconds + 120, TimeUnit.SECONDS);
            }
            clients.shutdown();
        }
        assertThat(answered.get()).as("requests answered").isGreaterThan(CLIENTS * 2);
        System.out.printf("Soak: %d requests answered, %d refused with 503 in %d s%n", answered.get(), refused.get(),
                seconds);

        within(10_000, () -> service.imagesInFlight() == 0 && admission.imagesInFlight() == 0
                && fetcher.downloading() == 0 && fetcher.bodyBytesHeld() == 0, "nothing left in flight");
        long heapAfter = heapAfterGc();
        assertThat(heapAfter - heapBefore).as("heap growth after a collection, bytes").isLessThan(24L << 20);
    }

    private static void within(long millis, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** A random mix of good images (some delayed), failing statuses and connections cut mid-body. */
    private List<Sent> images(Random random, ImageServer images, HostileImageServer hostile) {
        List<Sent> sent = new ArrayList<>();
        int n = 1 + random.nextInt(6);
        for (int i = 0; i < n; i++) {
            String colour = COLOURS[random.nextInt(COLOURS.length)];
            switch (random.nextInt(8)) {
                case 0 -> sent.add(new Sent(images.baseUrl() + "/status/500", null, "FETCH_HTTP_STATUS"));
                case 1 -> sent.add(new Sent(hostile.baseUrl() + "/long-length/formats/" + colour, null,
                        "FETCH_FAILED"));
                case 2 -> sent.add(new Sent(images.slowImage(random.nextInt(300), "formats/" + colour), colour, null));
                default -> sent.add(new Sent(images.image("formats/" + colour) + "?r=" + random.nextInt(), colour,
                        null));
            }
        }
        return sent;
    }

    private void checkResults(List<Sent> sent, JsonPath body, String prefix) {
        List<Map<String, Object>> results = body.getList(prefix);
        assertThat(results).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            Sent s = sent.get(i);
            Map<String, Object> r = results.get(i);
            assertThat(r.get("url")).as("result %d echoes its own image", i).isEqualTo(s.url());
            if (s.errorCode() != null) {
                assertThat(((Map<?, ?>) r.get("error")).get("code")).as(s.url()).isEqualTo(s.errorCode());
            } else {
                assertThat(r.get("error")).as(s.url()).isNull();
                float[] got = floats(body.getList(prefix + "[" + i + "].embedding", Float.class));
                float[] want = expected.get(s.colour());
                assertThat(got).as("%s has %s's embedding", s.url(), s.colour()).hasSameSizeAs(want);
                for (int k = 0; k < want.length; k++) {
                    assertThat(Math.abs(got[k] - want[k])).as("%s dimension %d", s.url(), k).isLessThan(1e-4f);
                }
            }
        }
    }

    private static Map<String, Object> request(List<Sent> sent) {
        return Map.of("action", "embedding", "images", sent.stream().map(Sent::url).toList());
    }

    private void validate(Random random, ImageServer images, HostileImageServer hostile, AtomicInteger answered,
            AtomicInteger refused) {
        List<Sent> sent = images(random, images, hostile);
        Response r = given().contentType(ContentType.JSON).body(request(sent)).post("/v1/validate");
        if (r.statusCode() == 503) {
            assertThat(r.jsonPath().getString("code")).isEqualTo("OVERLOADED");
            assertThat(Integer.parseInt(r.header("Retry-After"))).isPositive();
            refused.incrementAndGet();
            return;
        }
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        checkResults(sent, r.jsonPath(), "results");
        answered.incrementAndGet();
    }

    private static void embedTexts(Random random, AtomicInteger answered, AtomicInteger refused) {
        List<String> texts = List.of("red dress " + random.nextInt(), "blue denim jacket", "leather boots");
        Response r = given().contentType(ContentType.JSON).body(Map.of("texts", texts)).post("/v1/embeddings/text");
        if (r.statusCode() == 503) {
            refused.incrementAndGet();
            return;
        }
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        List<List<Float>> embeddings = r.jsonPath().getList("embeddings");
        assertThat(embeddings).hasSize(texts.size());
        for (List<Float> e : r.jsonPath().getList("embeddings", List.class).stream().map(l -> (List<Float>) l)
                .toList()) {
            double norm = 0;
            for (Number x : e) {
                norm += x.doubleValue() * x.doubleValue();
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, Offset.offset(1e-3));
        }
        answered.incrementAndGet();
    }

    /**
     * A job route's honest refusal: on a fast machine the asynchronous jobs (kept 30 minutes, as on RunPod) fill the
     * store within the soak, and the store then refuses new jobs with 503 and says so.
     */
    private static boolean refusedAsFull(Response r, AtomicInteger refused) {
        if (r.statusCode() != 503) {
            return false;
        }
        assertThat(r.jsonPath().getString("error")).as(r.asString()).contains("job store is full");
        refused.incrementAndGet();
        return true;
    }

    private void runsync(Random random, ImageServer images, HostileImageServer hostile, AtomicInteger answered,
            AtomicInteger refused) {
        List<Sent> sent = images(random, images, hostile);
        Response submitted = given().contentType(ContentType.JSON).body(Map.of("input", request(sent)))
                .post("/runsync");
        if (refusedAsFull(submitted, refused)) {
            return;
        }
        JsonPath r = submitted.then().statusCode(200).extract().jsonPath();
        String status = r.getString("status");
        String id = r.getString("id");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!"COMPLETED".equals(status) && System.nanoTime() < deadline) {
            assertThat(status).isIn("IN_QUEUE", "IN_PROGRESS");
            r = given().get("/status/" + id).then().statusCode(200).extract().jsonPath();
            status = r.getString("status");
        }
        assertThat(status).isEqualTo("COMPLETED");
        checkResults(sent, r, "output.results");
        answered.incrementAndGet();
    }

    private void runAndPoll(Random random, ImageServer images, HostileImageServer hostile, AtomicInteger answered,
            AtomicInteger refused) throws InterruptedException {
        List<Sent> sent = images(random, images, hostile);
        Response submitted = given().contentType(ContentType.JSON).body(Map.of("input", request(sent))).post("/run");
        if (refusedAsFull(submitted, refused)) {
            return;
        }
        String id = submitted.then().statusCode(200).extract().path("id");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonPath r;
        do {
            Thread.sleep(20);
            r = given().get("/status/" + id).then().statusCode(200).extract().jsonPath();
        } while (!"COMPLETED".equals(r.getString("status")) && System.nanoTime() < deadline);
        assertThat(r.getString("status")).isEqualTo("COMPLETED");
        checkResults(sent, r, "output.results");
        answered.incrementAndGet();
    }
}
