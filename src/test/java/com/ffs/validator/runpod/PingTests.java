package com.ffs.validator.runpod;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.mockito.Mockito.when;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.ffs.validator.validation.ValidationService;

import io.quarkus.test.InjectMock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** RunPod's load-balancer health contract on the HTTP port and on PORT_HEALTH: 204 loading, 200 ready, 503 failed. */
@QuarkusTest
@WithTestResource(LoadBalancingTestResource.class)
class PingTests {

    @InjectMock
    ValidationService service;

    private static String healthPort() {
        return "http://127.0.0.1:" + LoadBalancingTestResource.HEALTH_PORT + "/ping";
    }

    @Test
    void shouldAnswer204WhileModelsLoad() {
        when(service.ready()).thenReturn(false);
        when(service.failure()).thenReturn(Optional.empty());
        given().get("/ping").then().statusCode(204);
        given().get(healthPort()).then().statusCode(204);
    }

    @Test
    void shouldAnswer200WhenReady() {
        when(service.ready()).thenReturn(true);
        when(service.failure()).thenReturn(Optional.empty());
        given().get("/ping").then().statusCode(200).body("status", equalTo("ready"));
        given().get(healthPort()).then().statusCode(200).body("status", equalTo("ready"));
    }

    @Test
    void shouldAnswer503AfterAFatalError() {
        when(service.ready()).thenReturn(false);
        when(service.failure()).thenReturn(Optional.of("CUDA failure 700"));
        given().get("/ping").then().statusCode(503).body("status", equalTo("failed"));
        given().get(healthPort()).then().statusCode(503).body("status", equalTo("failed"));
    }

    @Test
    void shouldServeOnlyTheHealthPathOnTheHealthPort() {
        given().get("http://127.0.0.1:" + LoadBalancingTestResource.HEALTH_PORT + "/v1/validate").then()
                .statusCode(404);
    }
}
