package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.PastedCodes;
import com.ffs.validator.testing.ProductPhotos;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The {@code checks} field: each result holds exactly the fields of the checks asked for, on the native API and the
 * RunPod routes; an unknown check is a 400 listing the valid ones; {@code action} and {@code checks} do not mix.
 */
@QuarkusTest
// Serves no images from the resource; it only shares the application of the other tests that do.
@WithTestResource(ImageServerTestResource.class)
class ChecksRequestTests {

    @BeforeEach
    void ready() {
        Readiness.await();
    }

    static String png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }

    static String photoWithQr() throws Exception {
        BufferedImage photo = ProductPhotos.shirt(900, 1200, 7);
        return png(PastedCodes.paste(photo, PastedCodes.qr("https://shop.example/deal?id=42"), 4, 0.25, 0, 0.7,
                0.7));
    }

    @Test
    void shouldAnswerExactlyTheChecksAskedFor() throws Exception {
        String image = photoWithQr();
        Response r = given().contentType(ContentType.JSON)
                .body(Map.of("checks", List.of("quality", "codes"), "images", List.of(image))).post("/v1/validate");
        r.then().statusCode(200);
        Map<String, Object> result = r.jsonPath().getMap("results[0]");
        assertThat(result).containsOnlyKeys("url", "quality", "codes");
        assertThat(r.jsonPath().getInt("results[0].quality.width")).isEqualTo(900);
        assertThat(r.jsonPath().getBoolean("results[0].quality.passes")).isTrue();
        assertThat(r.jsonPath().getList("results[0].quality.reasons")).isEmpty();
        assertThat(r.jsonPath().getString("results[0].codes[0].text")).isEqualTo("https://shop.example/deal?id=42");
        assertThat(r.jsonPath().getString("results[0].codes[0].kind")).isEqualTo("url");
        assertThat(r.jsonPath().getString("results[0].codes[0].format")).isEqualTo("qr_code");

        Response mixed = given().contentType(ContentType.JSON)
                .body(Map.of("checks", List.of("nsfw", "codes"), "images", List.of(png(ProductPhotos.shirt(400, 500,
                        3)))))
                .post("/v1/validate");
        mixed.then().statusCode(200);
        assertThat(mixed.jsonPath().getMap("results[0]")).containsOnlyKeys("url", "nsfw", "codes");
        assertThat(mixed.jsonPath().getList("results[0].codes")).isEmpty();
    }

    @Test
    void shouldRefuseUnknownChecksAndActionsMixedWithChecks() {
        given().contentType(ContentType.JSON)
                .body(Map.of("checks", List.of("quality", "watermark"), "images", List.of("https://a.example/x.jpg")))
                .post("/v1/validate").then().statusCode(400).body("code", equalTo("UNKNOWN_CHECK"))
                .body("detail", containsString("nsfw, fashion, embedding, quality, codes"));
        given().contentType(ContentType.JSON)
                .body(Map.of("action", "nsfw", "checks", List.of("quality"), "images", List.of("https://a.example/x.jpg")))
                .post("/v1/validate").then().statusCode(400).body("code", equalTo("INVALID_REQUEST"));
        given().contentType(ContentType.JSON)
                .body(Map.of("checks", List.of(), "images", List.of("https://a.example/x.jpg")))
                .post("/v1/validate").then().statusCode(400).body("code", equalTo("UNKNOWN_CHECK"));
    }

    @Test
    void shouldAnswerChecksOnTheRunPodRoutesToo() throws Exception {
        String image = photoWithQr();
        Response r = given().contentType(ContentType.JSON)
                .body(Map.of("input", Map.of("checks", List.of("quality", "codes", "embedding"),
                        "images", List.of(image))))
                .post("/runsync");
        r.then().statusCode(200).body("status", equalTo("COMPLETED"));
        assertThat(r.jsonPath().getMap("output.results[0]")).containsOnlyKeys("url", "quality", "codes", "embedding");
        assertThat(r.jsonPath().getString("output.results[0].codes[0].kind")).isEqualTo("url");
    }
}
