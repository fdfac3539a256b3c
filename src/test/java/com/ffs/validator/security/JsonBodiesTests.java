package com.ffs.validator.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * Bodies are accepted only as JSON on the native and RunPod-style routes: what a web page can post without a
 * preflight (a form, text/plain, an untyped body) gets 415 with a problem document, before anything runs.
 */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
class JsonBodiesTests {

    @BeforeEach
    void ready() {
        Readiness.await();
    }

    private static String job() {
        return "{\"input\": {\"action\": \"nsfw\", \"images\": [\"" + ImageServerTestResource.server()
                .image("formats/red.png") + "\"]}}";
    }

    @ParameterizedTest
    @ValueSource(strings = { "/v1/validate", "/v1/embeddings/text", "/runsync", "/run", "/v2/ep/runsync", "/v2/ep/run" })
    void shouldRefuseFormsAndPlainText(String path) {
        given().contentType(ContentType.URLENC).formParam("input", job()).post(path).then()
                .statusCode(415).contentType("application/problem+json")
                .body("code", equalTo("UNSUPPORTED_MEDIA_TYPE")).body("status", equalTo(415));
        given().contentType("text/plain").body(job()).post(path).then()
                .statusCode(415).body("code", equalTo("UNSUPPORTED_MEDIA_TYPE"));
        given().contentType("multipart/form-data").multiPart("input", job()).post(path).then().statusCode(415);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/v1/validate", "/runsync" })
    void shouldRefuseABodyWithoutAContentType(String path) throws Exception {
        // A page's fetch() with an untyped Blob body sends no Content-Type at all, and needs no preflight.
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + RestAssured.port + path))
                .POST(HttpRequest.BodyPublishers.ofString(job())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"code\":\"UNSUPPORTED_MEDIA_TYPE\"");
    }

    @ParameterizedTest
    @ValueSource(strings = { "application/json", "application/json; charset=utf-8" })
    void shouldAcceptJson(String type) {
        given().contentType(type).body(job()).post("/runsync").then().statusCode(200)
                .body("status", equalTo("COMPLETED"));
        given().contentType(type).body("{\"action\": \"nsfw\", \"images\": " + List.of("\""
                + ImageServerTestResource.server().image("formats/red.png") + "\"") + "}")
                .post("/v1/validate").then().statusCode(200).body("results[0].nsfw.is_nsfw", equalTo(true));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/status/unknown-job", "/cancel/unknown-job" })
    void shouldLetBodilessPostsThrough(String path) {
        // runpod-python's local API polls with POST /status/{id} and no body.
        given().post(path).then().statusCode(404);
    }
}
