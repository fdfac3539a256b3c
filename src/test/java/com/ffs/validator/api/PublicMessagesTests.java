package com.ffs.validator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.HostileImages;
import com.ffs.validator.testing.ImageServerTestResource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Everything a caller reads (problem details, per-image messages) is written for the caller: no absolute paths, no
 * Java type or package names, no exception class names or stack lines. The service log keeps those.
 */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
class PublicMessagesTests {

    /** What must never reach a caller. */
    private static final List<Pattern> INTERNAL = List.of(
            Pattern.compile("(^|[\\s'\"(=:])/(tmp|usr|home|root|opt|models|deployments|work|var|proc|etc)/"),
            Pattern.compile("\\b(java|javax|jakarta|com\\.ffs|com\\.fasterxml|io\\.vertx|io\\.netty|ai\\.onnxruntime|"
                    + "org\\.jboss|sun)\\.[a-z]"),
            Pattern.compile("\\b[A-Z][A-Za-z]*(Exception|Error)\\b"),
            Pattern.compile("\\bat [a-z]+\\.[a-z]+\\..*\\("),
            Pattern.compile("`[a-z]+\\.[a-z]+"));

    static String images() {
        return ConfigProvider.getConfig().getValue("test.images", String.class);
    }

    static void assertPublic(String text) {
        for (Pattern p : INTERNAL) {
            assertThat(p.matcher(text).find()).as("'%s' matches %s", text, p).isFalse();
        }
    }

    @Test
    void shouldDescribeBadBodiesInTheCallersTerms() {
        List<String> bodies = List.of("{", "[]", "\"x\"", "{\"images\": \"https://a\"}", "{\"images\": [1, {}]}",
                "{\"images\": [\"data:x\"], \"nsfw_threshold\": \"high\"}", "{\"images\": [[\"a\"]]}",
                "{\"action\": 3, \"images\": [\"data:x\"]}", "{\"images\": [\"data:x\"], \"texts\": {\"a\": 1}}");
        for (String body : bodies) {
            Response r = given().contentType(ContentType.JSON).body(body).post("/v1/validate");
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            String detail = r.jsonPath().getString("detail");
            assertThat(detail).as(body).isNotBlank();
            assertPublic(detail);
        }
        Response typed = given().contentType(ContentType.JSON).body("{\"images\": \"https://a\"}").post("/v1/validate");
        assertThat(typed.jsonPath().getString("detail")).contains("'images' must be a list");
    }

    @Test
    void shouldKeepPerImageMessagesFreeOfInternals() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = probe.getLocalPort();
        }
        List<String> references = new ArrayList<>(List.of(
                "http://127.0.0.1:" + closedPort + "/a.png",
                images() + "/status/500",
                images() + "/images/formats/truncated.jpg",
                images() + "/images/formats/not-an-image.html",
                // Tests may fetch private addresses, so the refusal of one is tested in ImageFetcherTest; here an
                // unroutable address would only wait out the connect timeout.
                "http://[::1]:" + closedPort + "/a.png",
                "ftp://example.com/a.png",
                "data:image/png;base64,!!!",
                "http://nowhere.invalid/a.png"));
        for (Map.Entry<String, byte[]> hostile : HostileImages.all().entrySet()) {
            if (hostile.getValue().length < 256 * 1024) {
                references.add("data:image/png;base64," + Base64.getEncoder().encodeToString(hostile.getValue()));
            }
        }
        byte[] damagedPng = HostileImages.greyPng(64, 64);
        damagedPng[damagedPng.length - 20] ^= 0x55;
        references.add(Base64.getEncoder().encodeToString(damagedPng));

        Response r = given().contentType(ContentType.JSON)
                .body(Map.of("action", "nsfw", "images", references)).post("/v1/validate");

        assertThat(r.statusCode()).isEqualTo(200);
        List<Map<String, Object>> results = r.jsonPath().getList("results");
        assertThat(results).hasSize(references.size());
        for (Map<String, Object> result : results) {
            if (result.get("error") instanceof Map<?, ?> error) {
                assertThat(error.get("code")).isNotEqualTo("INTERNAL_ERROR");
                assertPublic(String.valueOf(error.get("message")));
            }
        }
    }
}
