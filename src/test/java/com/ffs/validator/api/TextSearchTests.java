package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Text search on the demo SigLIP model (logit_scale 10, logit_bias -5): text embeddings, and the similarity action
 * against texts and a reference image, on the native API and as a RunPod job.
 */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
class TextSearchTests {

    @BeforeEach
    void modelsReady() {
        Readiness.await();
    }

    static String image(String file) {
        return ImageServerTestResource.server().image("formats/" + file);
    }

    static Response embed(Object body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/embeddings/text");
    }

    static Response validate(Object body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/validate");
    }

    static float[] vector(JsonPath json, String path) {
        List<Float> values = json.getList(path, Float.class);
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    @Test
    void shouldReturnOneNormalisedEmbeddingPerTextInOrder() {
        JsonPath json = embed(Map.of("texts", List.of("red dress", "white sneakers", "a photo of food")))
                .then().statusCode(200)
                .body("demo", equalTo(true))
                .body("model", equalTo("demo/marqo-fashionSigLIP"))
                .body("embeddings", hasSize(3))
                .body("embeddings", everyItem(hasSize(768)))
                .extract().jsonPath();
        for (int i = 0; i < 3; i++) {
            float[] v = vector(json, "embeddings[" + i + "]");
            assertThat(dot(v, v)).isCloseTo(1.0, within(1e-4));
        }
        assertThat(dot(vector(json, "embeddings[0]"), vector(json, "embeddings[1]"))).isLessThan(0.99);
        JsonPath again = embed(Map.of("texts", List.of("white sneakers"))).then().statusCode(200).extract().jsonPath();
        assertThat(vector(again, "embeddings[0]")).containsExactly(vector(json, "embeddings[1]"));
    }

    @Test
    void shouldCleanTextsAsMarqosModelWasTrained() {
        JsonPath json = embed(Map.of("texts", List.of("Men's T-Shirt!", "mens tshirt", "mens t shirt")))
                .then().statusCode(200).extract().jsonPath();
        // Punctuation is removed, not split on: "T-Shirt" is "tshirt", a different token from "t shirt".
        assertThat(vector(json, "embeddings[0]")).containsExactly(vector(json, "embeddings[1]"));
        assertThat(dot(vector(json, "embeddings[0]"), vector(json, "embeddings[2]"))).isLessThan(0.99);
    }

    @Test
    void shouldRejectMissingBlankTooManyAndTooLongTexts() {
        embed(Map.of()).then().statusCode(400).contentType("application/problem+json").body("code", equalTo("NO_TEXTS"));
        embed(Map.of("texts", List.of())).then().statusCode(400).body("code", equalTo("NO_TEXTS"));
        embed(Map.of("texts", List.of("dress", " "))).then().statusCode(400).body("code", equalTo("INVALID_TEXT"))
                .body("detail", containsString("texts[1]"));
        embed(Map.of("texts", Collections.nCopies(65, "dress"))).then().statusCode(400)
                .body("code", equalTo("TOO_MANY_TEXTS")).body("detail", containsString("64"));
        embed(Map.of("texts", List.of("a".repeat(1001)))).then().statusCode(400).body("code", equalTo("INVALID_TEXT"))
                .body("detail", containsString("1001 characters"));
        given().contentType(ContentType.JSON).post("/v1/embeddings/text").then().statusCode(400)
                .body("code", equalTo("INVALID_REQUEST"));
        given().contentType(ContentType.JSON).body("{\"texts\": \"dress\"}").post("/v1/embeddings/text").then()
                .statusCode(400).body("code", equalTo("INVALID_JSON"));
    }

    @Test
    void shouldScoreImagesAgainstTextsWithCosineAndSiglipProbability() {
        List<String> images = List.of(image("red.png"), image("green.png"));
        List<String> texts = List.of("red dress", "white sneakers");
        JsonPath result = validate(Map.of("action", "similarity", "images", images, "texts", texts))
                .then().statusCode(200)
                .body("results.url", equalTo(images))
                .body("results[0].keySet()", equalTo(Set.of("url", "similarity")))
                .body("results[0].similarity.texts.text", equalTo(texts))
                .extract().jsonPath();
        JsonPath embeddings = validate(Map.of("action", "embedding", "images", images)).then().statusCode(200)
                .extract().jsonPath();
        JsonPath textEmbeddings = embed(Map.of("texts", texts)).then().statusCode(200).extract().jsonPath();
        for (int i = 0; i < images.size(); i++) {
            for (int t = 0; t < texts.size(); t++) {
                String at = "results[" + i + "].similarity.texts[" + t + "]";
                double cosine = result.getDouble(at + ".cosine");
                // The same number as the dot product of the two endpoints' normalised embeddings.
                assertThat(cosine).isCloseTo(dot(vector(embeddings, "results[" + i + "].embedding"),
                        vector(textEmbeddings, "embeddings[" + t + "]")), within(1e-5));
                assertThat(result.getDouble(at + ".probability"))
                        .isCloseTo(1 / (1 + Math.exp(-(10 * cosine - 5))), within(1e-9));
            }
        }
    }

    @Test
    void shouldCompareImagesWithAReferenceImage() {
        JsonPath result = validate(Map.of("action", "similarity", "reference_image", image("red.jpg"),
                "images", List.of(image("red.png"), image("green.png"), image("blue.png"))))
                .then().statusCode(200)
                .body("results[0].similarity.keySet()", equalTo(Set.of("reference_image")))
                .extract().jsonPath();
        double same = result.getDouble("results[0].similarity.reference_image.cosine");
        assertThat(same).isGreaterThan(0.99);
        assertThat(result.getDouble("results[1].similarity.reference_image.cosine")).isLessThan(same);
        assertThat(result.getDouble("results[2].similarity.reference_image.cosine")).isLessThan(same);
    }

    @Test
    void shouldTakeTextsAndAReferenceImageTogetherAndKeepPerImageErrors() {
        String missing = ImageServerTestResource.server().baseUrl() + "/status/404";
        validate(Map.of("action", "similarity", "texts", List.of("red dress"), "reference_image", image("red.png"),
                "images", List.of(image("green.png"), missing)))
                .then().statusCode(200)
                .body("results[0].similarity.texts", hasSize(1))
                .body("results[0].similarity.reference_image.cosine", Matchers.notNullValue())
                .body("results[1].error.code", equalTo("FETCH_HTTP_STATUS"));
    }

    @Test
    void shouldRejectSimilarityRequestsItCannotRun() {
        validate(Map.of("action", "similarity", "images", List.of(image("red.png")))).then().statusCode(400)
                .body("code", equalTo("NO_SIMILARITY_TARGET"));
        validate(Map.of("action", "validate", "images", List.of(image("red.png")), "texts", List.of("dress")))
                .then().statusCode(400).body("code", equalTo("INVALID_REQUEST"))
                .body("detail", containsString("belong to action 'similarity'"));
        validate(Map.of("action", "similarity", "images", List.of(image("red.png")), "texts", List.of("")))
                .then().statusCode(400).body("code", equalTo("INVALID_TEXT"));
        String missing = ImageServerTestResource.server().baseUrl() + "/status/404";
        validate(Map.of("action", "similarity", "images", List.of(image("red.png")), "reference_image", missing))
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("INVALID_REFERENCE_IMAGE"))
                .body("detail", containsString("FETCH_HTTP_STATUS"));
    }

    @Test
    void shouldRunSimilarityAsARunPodJob() {
        Map<String, Object> input = new HashMap<>(Map.of("action", "similarity", "images", List.of(image("red.png")),
                "texts", List.of("red dress"), "reference_image", image("red.png")));
        given().contentType(ContentType.JSON).body(Map.of("input", input)).post("/runsync").then().statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("output.results[0].similarity.texts[0].text", equalTo("red dress"))
                .body("output.results[0].similarity.reference_image.cosine", Matchers.greaterThan(0.99f));
        input.put("reference_image", ImageServerTestResource.server().baseUrl() + "/status/404");
        given().contentType(ContentType.JSON).body(Map.of("input", input)).post("/runsync").then().statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("error", containsString("reference_image"));
    }

    @Test
    void shouldDescribeTextSearchInTheOpenApiDocument() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/v1/embeddings/text"))
                .body(containsString("\"similarity\""))
                .body(containsString("reference_image"))
                .body(containsString("SimilarityResult"));
    }
}
