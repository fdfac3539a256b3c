package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The native API on demo models: fields per action, per-image errors, request-level 400s. */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
class ValidateResourceTests {

    @BeforeEach
    void modelsReady() {
        Readiness.await();
    }

    static String image(String file) {
        return ImageServerTestResource.server().image("formats/" + file);
    }

    static Response validate(Object body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/v1/validate");
    }

    @Test
    void shouldAnswerEveryCheckInInputOrderFollowingTheDemoRules() {
        List<String> images = List.of(image("red.png"), image("green.jpg"), image("blue.png"));
        Response r = validate(Map.of("action", "validate", "images", images));
        r.then().statusCode(200)
                .body("demo", equalTo(true))
                .body("results", hasSize(3))
                .body("results.url", equalTo(images))
                // demo nsfw rule: red scores high, other colours low
                .body("results[0].nsfw.is_nsfw", equalTo(true))
                .body("results[1].nsfw.is_nsfw", equalTo(false))
                .body("results[2].nsfw.is_nsfw", equalTo(false))
                // demo clip rule: green is fashion, blue is not
                .body("results[1].fashion.is_fashion", equalTo(true))
                .body("results[2].fashion.is_fashion", equalTo(false))
                .body("results.embedding", everyItem(hasSize(768)));
        assertThat(r.jsonPath().getDouble("results[0].nsfw.score")).isGreaterThan(0.9);
        assertThat(r.jsonPath().getDouble("results[1].fashion.score")).isGreaterThan(0.9);
        List<Float> embedding = r.jsonPath().getList("results[0].embedding", Float.class);
        double norm = embedding.stream().mapToDouble(x -> x * x).sum();
        assertThat(norm).isCloseTo(1.0, Offset.offset(1e-4));
    }

    @Test
    void shouldDefaultToValidateWhenNoActionIsGiven() {
        validate(Map.of("images", List.of(image("green.png")))).then().statusCode(200)
                .body("results[0].keySet()", equalTo(Set.of("url", "nsfw", "fashion", "embedding")));
    }

    @ParameterizedTest
    @CsvSource({ "nsfw,nsfw", "fashion,fashion", "embedding,embedding", "NSFW,nsfw" })
    void shouldReturnOnlyTheFieldsTheActionAsksFor(String action, String field) {
        validate(Map.of("action", action, "images", List.of(image("red.png")))).then().statusCode(200)
                .body("results[0].keySet()", equalTo(Set.of("url", field)));
    }

    @ParameterizedTest
    @ValueSource(strings = { "red.png", "red.jpg", "red.gif", "red.bmp", "red.webp", "green.webp" })
    void shouldDecodeEveryCommonFormat(String file) {
        validate(Map.of("action", "nsfw", "images", List.of(image(file)))).then().statusCode(200)
                .body("results[0].error", equalTo(null))
                .body("results[0].nsfw.is_nsfw", equalTo(file.startsWith("red")));
    }

    @Test
    void shouldGiveEachBadImageItsOwnErrorAndStillAnswerTheOthers() {
        List<String> images = new ArrayList<>(List.of(
                image("red.png"),
                ImageServerTestResource.server().baseUrl() + "/status/404",
                image("not-an-image.html"),
                image("truncated.jpg"),
                "ftp://example.com/a.png",
                "data:image/png;base64,!!!not-base64!!!",
                "http://127.0.0.1:1/unreachable.png",
                image("green.png")));
        Response r = validate(Map.of("images", images));
        r.then().statusCode(200).body("results", hasSize(images.size())).body("results.url", equalTo(images));
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            codes.add(r.jsonPath().getString("results[" + i + "].error.code"));
        }
        assertThat(codes).containsExactly(null, "FETCH_HTTP_STATUS", "UNSUPPORTED_FORMAT", "DECODE_FAILED",
                "INVALID_URL", "INVALID_IMAGE_DATA", "FETCH_FAILED", null);
        r.then().body("results[1].error.message", containsString("404"))
                .body("results[2].error.message", containsString("HTML"))
                .body("results[0].nsfw.is_nsfw", equalTo(true))
                .body("results[7].fashion.is_fashion", equalTo(true));
    }

    @Test
    void shouldAcceptDataUrisAndBareBase64() throws IOException {
        String b64 = base64("red.png");
        Response r = validate(Map.of("action", "nsfw", "images", List.of("data:image/png;base64," + b64, b64)));
        r.then().statusCode(200)
                .body("results.nsfw.is_nsfw", equalTo(List.of(true, true)))
                .body("results[0].url", startsWith("data:image/png;base64,"));
        assertThat(r.jsonPath().getString("results[0].url")).hasSizeLessThan(b64.length());
    }

    @Test
    void shouldApplyThresholdsGivenInTheRequest() {
        // the demo red image scores about 0.993
        validate(Map.of("action", "nsfw", "images", List.of(image("red.png")), "nsfw_threshold", 0.999))
                .then().statusCode(200).body("results[0].nsfw.is_nsfw", equalTo(false));
        validate(Map.of("action", "fashion", "images", List.of(image("blue.png")), "fashion_threshold", 0.0))
                .then().statusCode(200).body("results[0].fashion.is_fashion", equalTo(true));
    }

    @Test
    void shouldRejectMalformedJsonAsProblem() {
        given().contentType(ContentType.JSON).body("{\"images\": [}").post("/v1/validate").then()
                .statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("INVALID_JSON")).body("status", equalTo(400));
    }

    @Test
    void shouldRejectAMissingBody() {
        given().contentType(ContentType.JSON).post("/v1/validate").then()
                .statusCode(400).contentType("application/problem+json").body("code", equalTo("INVALID_REQUEST"));
    }

    @Test
    void shouldRejectAnUnknownActionListingTheValidOnes() {
        validate(Map.of("action", "nude", "images", List.of(image("red.png")))).then()
                .statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("UNKNOWN_ACTION"))
                .body("detail", containsString("validate, nsfw, fashion, embedding"));
    }

    @Test
    void shouldRejectMissingOrEmptyImages() {
        validate(Map.of("action", "nsfw")).then().statusCode(400).body("code", equalTo("NO_IMAGES"));
        validate(Map.of("images", List.of())).then().statusCode(400).body("code", equalTo("NO_IMAGES"));
    }

    @Test
    void shouldRejectImagesThatAreNotAList() {
        validate(Map.of("images", 42)).then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("INVALID_JSON"));
    }

    @Test
    void shouldRejectMoreImagesThanTheLimit() {
        List<String> images = Collections.nCopies(65, image("red.png"));
        validate(Map.of("images", images)).then().statusCode(400)
                .body("code", equalTo("TOO_MANY_IMAGES")).body("detail", containsString("64"));
    }

    @Test
    void shouldRejectThresholdsOutsideZeroToOne() {
        validate(Map.of("images", List.of(image("red.png")), "nsfw_threshold", 1.5)).then().statusCode(400)
                .body("code", equalTo("INVALID_THRESHOLD"));
    }

    private static String base64(String file) throws IOException {
        try (InputStream in = ValidateResourceTests.class.getResourceAsStream("/images/formats/" + file)) {
            return Base64.getEncoder().encodeToString(in.readAllBytes());
        }
    }
}
