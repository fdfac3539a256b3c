package com.ffs.validator.runpod;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.oneOf;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.ffs.validator.testing.ImageServer;
import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** RunPod's client API against this process: envelopes, sync and async jobs, cancel, health. */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
class RunPodRoutesTests {

    @BeforeEach
    void modelsReady() {
        Readiness.await();
    }

    static String image(String file) {
        return ImageServerTestResource.server().image("formats/" + file);
    }

    static Map<String, Object> input() {
        return Map.of("action", "validate", "images",
                List.of(image("red.png"), image("green.jpg"), ImageServerTestResource.server().baseUrl() + "/status/500"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "/v2/my-endpoint" })
    void shouldRunSyncJobsWithRunPodsEnvelope(String base) {
        JsonPath job = given().contentType(ContentType.JSON).body(Map.of("input", input()))
                .post(base + "/runsync").then().statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("id", notNullValue())
                .body("delayTime", greaterThanOrEqualTo(0))
                .body("executionTime", greaterThanOrEqualTo(0))
                .body("output.results.size()", equalTo(3))
                .body("output.results[2].error.code", equalTo("FETCH_HTTP_STATUS"))
                .extract().jsonPath();
        assertThat(job.getString("id")).startsWith("sync-");
    }

    @Test
    void shouldGiveTheSameResultsOnAllThreeRoutes() {
        Object native_ = given().contentType(ContentType.JSON).body(input()).post("/v1/validate").then()
                .statusCode(200).extract().jsonPath().get("results");
        Object sync = given().contentType(ContentType.JSON).body(Map.of("input", input())).post("/runsync").then()
                .statusCode(200).extract().jsonPath().get("output.results");
        String id = given().contentType(ContentType.JSON).body(Map.of("input", input())).post("/run").then()
                .statusCode(200).body("status", oneOf("IN_QUEUE", "IN_PROGRESS")).extract().path("id");
        JsonPath async = awaitFinished("", id);
        assertThat(async.getString("status")).isEqualTo("COMPLETED");
        assertSameResults(sync, native_);
        assertSameResults(async.get("output.results"), native_);
    }

    /** Equal up to float rounding: the batch an image lands in can change the last bits of ONNX Runtime's sums. */
    private static void assertSameResults(Object actual, Object expected) {
        assertThat(actual).usingRecursiveComparison()
                .withComparatorForType((a, b) -> Math.abs(a - b) <= 1e-6f ? 0 : Float.compare(a, b), Float.class)
                .isEqualTo(expected);
    }

    @Test
    void shouldServeStatusByGetAndPostUnderV2() {
        String id = given().contentType(ContentType.JSON).body(Map.of("input", input())).post("/v2/ep1/run").then()
                .statusCode(200).extract().path("id");
        awaitFinished("/v2/ep1", id);
        given().post("/v2/ep1/status/" + id).then().statusCode(200).body("status", equalTo("COMPLETED"))
                .body("output.results.size()", equalTo(3));
    }

    @Test
    void shouldCancelAQueuedOrRunningJob() {
        ImageServer images = ImageServerTestResource.server();
        images.hold();
        try {
            String id = given().contentType(ContentType.JSON)
                    .body(Map.of("input", Map.of("images", List.of(images.heldImage("formats/red.png")))))
                    .post("/run").then().statusCode(200).extract().path("id");
            given().post("/cancel/" + id).then().statusCode(200).body("id", equalTo(id))
                    .body("status", equalTo("CANCELLED"));
            given().get("/status/" + id).then().statusCode(200).body("status", equalTo("CANCELLED"))
                    .body("$", Matchers.not(hasKey("output")));
        } finally {
            images.release();
        }
    }

    @Test
    void shouldAnswer404ForAnUnknownJob() {
        given().get("/status/no-such-job").then().statusCode(404).body("error", containsString("no-such-job"));
        given().post("/cancel/no-such-job").then().statusCode(404);
    }

    @Test
    void shouldFailAJobWithAnUnknownActionReadably() {
        String error = given().contentType(ContentType.JSON)
                .body(Map.of("input", Map.of("action", "nude", "images", List.of(image("red.png")))))
                .post("/runsync").then().statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("error", containsString("unknown action 'nude'"))
                .body("error", containsString("validate, nsfw, fashion, embedding"))
                .extract().path("error");
        // The same error string as a RunPod queue job's: runpod-python's JSON report.
        JsonPath report = new JsonPath(error);
        assertThat(report.getString("error_type")).isEqualTo("RequestException");
        assertThat(report.getString("error_message")).contains("unknown action 'nude'");
        assertThat(report.getMap("$")).containsKeys("error_traceback", "hostname", "worker_id", "runpod_version");
    }

    @Test
    void shouldFailAJobWithoutImages() {
        given().contentType(ContentType.JSON).body(Map.of("input", Map.of("action", "nsfw")))
                .post("/runsync").then().statusCode(200)
                .body("status", equalTo("FAILED")).body("error", containsString("images"));
    }

    @Test
    void shouldRejectABodyWithoutInput() {
        given().contentType(ContentType.JSON).body(Map.of("action", "nsfw")).post("/run").then().statusCode(400)
                .body("error", containsString("\"input\""));
        given().contentType(ContentType.JSON).body("not json").post("/runsync").then().statusCode(400)
                .body("error", containsString("not valid JSON"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "{", "{\"input\": ", "[1,", "{\"input\": {\"images\": [\"a\"}}" })
    void shouldSayWhereABodyIsBrokenWithoutTheParsersOwnWords(String body) {
        String error = given().contentType(ContentType.JSON).body(body).post("/run").then().statusCode(400)
                .extract().path("error");
        assertThat(error).startsWith("body is not valid JSON").contains("line 1")
                .doesNotContain("Feature", "com.fasterxml", "Source:", "REDACTED", "Unexpected", "JsonToken");
    }

    @Test
    void shouldReportJobAndWorkerCountsOnHealth() {
        given().contentType(ContentType.JSON).body(Map.of("input", input())).post("/runsync").then()
                .statusCode(200);
        given().get("/health").then().statusCode(200)
                .body("jobs.completed", greaterThanOrEqualTo(1))
                .body("jobs", hasKey("inQueue")).body("jobs", hasKey("inProgress")).body("jobs", hasKey("failed"))
                .body("workers", hasKey("idle")).body("workers", hasKey("running"));
        given().get("/v2/x/health").then().statusCode(200).body("jobs.completed", greaterThanOrEqualTo(1));
    }

    static JsonPath awaitFinished(String base, String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            JsonPath status = given().get(base + "/status/" + id).then().statusCode(200).extract().jsonPath();
            if (!List.of("IN_QUEUE", "IN_PROGRESS").contains(status.getString("status"))) {
                return status;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new AssertionError("job " + id + " did not finish");
    }
}
