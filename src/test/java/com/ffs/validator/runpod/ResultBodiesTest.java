package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.validation.ImageResult;
import com.ffs.validator.validation.ValidationResponse;

/** Job-done bodies: runpod-python's shapes, a string error report, stopPod, and the size limit. */
class ResultBodiesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(byte[] body) throws Exception {
        return MAPPER.readTree(new String(body, StandardCharsets.UTF_8));
    }

    private static ValidationResponse response(int images, int dims) {
        float[] embedding = new float[dims];
        Arrays.fill(embedding, 0.0123456f);
        List<ImageResult> results = IntStream.range(0, images)
                .mapToObj(i -> new ImageResult("https://example.com/ümlaut-" + i + ".jpg",
                        new ImageResult.NsfwResult(false, 0.05), null, embedding, null, null, null, null))
                .toList();
        return new ValidationResponse(results, null);
    }

    @Test
    void shouldWrapAnOutputAndKeepNonAsciiAsIs() throws Exception {
        ResultBodies bodies = new ResultBodies(MAPPER, "host-1", "pod-1", "ffs-validator/1", 1_000_000);
        byte[] body = bodies.of(JobOutcome.success(response(1, 4)), false);
        JsonNode root = json(body);
        assertThat(root.fieldNames()).toIterable().containsExactly("output");
        assertThat(root.at("/output/results/0/nsfw/is_nsfw").asBoolean()).isFalse();
        assertThat(new String(body, StandardCharsets.UTF_8)).contains("ümlaut-0");
    }

    @Test
    void shouldReportAFailureAsAJsonString() throws Exception {
        ResultBodies bodies = new ResultBodies(MAPPER, "host-1", "pod-1", "ffs-validator/1", 1_000_000);
        JsonNode root = json(bodies.of(JobOutcome.failure("RequestException", "unknown action 'nude'"), false));
        assertThat(root.fieldNames()).toIterable().containsExactly("error");
        assertThat(root.get("error").isTextual()).isTrue();
        JsonNode report = MAPPER.readTree(root.get("error").asText());
        assertThat(report.fieldNames()).toIterable().containsExactly("error_type", "error_message",
                "error_traceback", "hostname", "worker_id", "runpod_version");
        assertThat(report.get("error_type").asText()).isEqualTo("RequestException");
        assertThat(report.get("error_message").asText()).isEqualTo("unknown action 'nude'");
        assertThat(report.get("hostname").asText()).isEqualTo("host-1");
        assertThat(report.get("worker_id").asText()).isEqualTo("pod-1");
        assertThat(report.get("runpod_version").asText()).isEqualTo("ffs-validator/1");
    }

    @Test
    void shouldAskForARefreshWithStopPod() throws Exception {
        ResultBodies bodies = new ResultBodies(MAPPER, "h", "p", "v", 1_000_000);
        assertThat(json(bodies.of(JobOutcome.success(response(1, 4)), true)).get("stopPod").asBoolean()).isTrue();
        assertThat(json(bodies.error("X", "y", true)).get("stopPod").asBoolean()).isTrue();
        assertThat(json(bodies.error("X", "y", false)).has("stopPod")).isFalse();
    }

    @Test
    void shouldReplaceAnOversizedResultWithAnErrorSayingSo() throws Exception {
        ResultBodies bodies = new ResultBodies(MAPPER, "h", "p", "v", 50_000);
        byte[] body = bodies.of(JobOutcome.success(response(64, 768)), false);
        assertThat(body.length).isLessThan(50_000);
        JsonNode root = json(body);
        assertThat(root.has("output")).isFalse();
        JsonNode report = MAPPER.readTree(root.get("error").asText());
        assertThat(report.get("error_type").asText()).isEqualTo(ResultBodies.TOO_LARGE);
        assertThat(report.get("error_message").asText()).contains("50000-byte limit",
                "validator.runpod.max-result-bytes");
    }

    @Test
    void shouldKeepTheLargestRequestWellUnderTheDefaultLimit() {
        // 64 images (validator.request.max-images) with 768-d embeddings, against the 8 MiB default.
        ResultBodies bodies = new ResultBodies(MAPPER, "h", "p", "v", 8_388_608);
        byte[] body = bodies.of(JobOutcome.success(response(64, 768)), false);
        assertThat(body.length).isLessThan(2_000_000);
        assertThat(new String(body, StandardCharsets.UTF_8)).startsWith("{\"output\"");
    }
}
