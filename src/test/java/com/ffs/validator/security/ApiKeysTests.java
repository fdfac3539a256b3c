package com.ffs.validator.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.KeysTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** With validator.api.keys set, API routes need a Bearer key; health stays open; keys never reach the log. */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
@WithTestResource(KeysTestResource.class)
class ApiKeysTests {

    @BeforeEach
    void ready() {
        Readiness.await();
    }

    static Map<String, Object> body() {
        return Map.of("action", "nsfw", "images", List.of(ImageServerTestResource.server().image("formats/red.png")));
    }

    @Test
    void shouldRefuseApiCallsWithoutAKey() {
        given().contentType(ContentType.JSON).body(body()).post("/v1/validate").then()
                .statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer realm=\"ffs-validator\"")
                .body("code", equalTo("UNAUTHORIZED"));
        given().contentType(ContentType.JSON).body(Map.of("input", body())).post("/runsync").then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of("input", body())).post("/v2/ep/run").then().statusCode(401);
        given().get("/status/anything").then().statusCode(401);
    }

    @Test
    void shouldRefuseAWrongKey() {
        given().header("Authorization", "Bearer alpha-key-12").contentType(ContentType.JSON).body(body())
                .post("/v1/validate").then().statusCode(401).body("detail", equalTo("the API key is not valid"));
        given().header("Authorization", "alpha-key-123").contentType(ContentType.JSON).body(body())
                .post("/v1/validate").then().statusCode(401);
    }

    @Test
    void shouldAcceptAnyConfiguredKey() {
        for (String key : List.of("alpha-key-123", "beta-key-456")) {
            given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(body())
                    .post("/v1/validate").then().statusCode(200).body("results[0].nsfw.is_nsfw", equalTo(true));
        }
        given().header("Authorization", "bearer beta-key-456").contentType(ContentType.JSON)
                .body(Map.of("input", body())).post("/runsync").then().statusCode(200)
                .body("status", equalTo("COMPLETED"));
    }

    @Test
    void shouldPutTheOpenApiDocumentAndSwaggerUiBehindTheKeys() {
        given().get("/q/openapi").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer realm=\"ffs-validator\"").body("code", equalTo("UNAUTHORIZED"));
        given().header("Authorization", "Bearer wrong").get("/q/openapi").then().statusCode(401);
        given().get("/q/swagger-ui/").then().statusCode(401);
        given().get("//q/openapi").then().statusCode(401);
        given().header("Authorization", "Bearer alpha-key-123").get("/q/openapi").then().statusCode(200);
        given().get("/ping").then().statusCode(200);
    }

    @Test
    void shouldKeepHealthOpenAndKeysOutOfTheLog() throws Exception {
        Readiness.management().get("/health/ready").then().statusCode(200);
        given().header("Authorization", "Bearer alpha-key-123").contentType(ContentType.JSON).body(body())
                .post("/v1/validate").then().statusCode(200);
        String log = Files.readString(Path.of(KeysTestResource.LOG));
        assertThat(log).contains("DEBUG");
        assertThat(log).contains("API keys required");
        assertThat(log).doesNotContain(KeysTestResource.ALPHA).doesNotContain(KeysTestResource.BETA)
                .doesNotContain(KeysTestResource.BULK);
    }
}
