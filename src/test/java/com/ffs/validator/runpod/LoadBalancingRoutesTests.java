package com.ffs.validator.runpod;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Behind RunPod's load balancer each request may reach another worker, and jobs live in one worker's memory: /run
 * and /status are refused with a pointer to the routes that answer in one request.
 */
@QuarkusTest
@WithTestResource(LoadBalancingTestResource.class)
class LoadBalancingRoutesTests {

    @ParameterizedTest
    @ValueSource(strings = { "", "/v2/my-endpoint" })
    void shouldRefuseRunAndStatusWithAPointerToTheSynchronousRoutes(String base) {
        given().contentType(ContentType.JSON).body(Map.of("input", Map.of("images", List.of("https://x/a.png"))))
                .post(base + "/run").then().statusCode(400)
                .body("error", allOf(containsString("/runsync"), containsString("/v1/validate")));
        given().get(base + "/status/some-job").then().statusCode(400).body("error", containsString("/runsync"));
        given().post(base + "/status/some-job").then().statusCode(400).body("error", containsString("/runsync"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "/v2/my-endpoint" })
    void shouldStillAnswerRunsync(String base) {
        given().contentType(ContentType.JSON)
                .body(Map.of("input", Map.of("action", "nude", "images", List.of("https://x/a.png"))))
                .post(base + "/runsync").then().statusCode(200).body("status", equalTo("FAILED"))
                .body("error", containsString("unknown action 'nude'"));
    }
}
