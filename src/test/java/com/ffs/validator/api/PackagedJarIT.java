package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.ExportedModelsTestResource;
import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;

/** The packaged jar in the prod profile serves the models of VALIDATOR_MODELS_DIR, not demo ones. */
@QuarkusIntegrationTest
@WithTestResource(ExportedModelsTestResource.class)
class PackagedJarIT {

    @BeforeEach
    void modelsReady() {
        Readiness.await();
    }

    @Test
    void shouldServeTheConfiguredModelDirectory() {
        Readiness.management().get("/health/ready").then().statusCode(200)
                .body("checks[0].data.'nsfw.demo'", equalTo(false))
                .body("checks[0].data.'clip.name'", equalTo("exported/CLIP-ViT-B-32"));
        String base = ImageServerTestResource.server().baseUrl() + "/images/formats/";
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(base + "red.png", base + "green.jpg", base + "blue.gif")))
                .post("/v1/validate").then().statusCode(200)
                .body("$", not(hasKey("demo")))
                .body("results", hasSize(3))
                .body("results[0].nsfw.is_nsfw", equalTo(true))
                .body("results[1].fashion.is_fashion", equalTo(true));
    }
}
