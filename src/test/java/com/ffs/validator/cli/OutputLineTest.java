package com.ffs.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ffs.validator.validation.ImageResult;

/** Output lines: the fields bulk adds first, the service's fields written through, embeddings as float32. */
class OutputLineTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Floats whose shortest decimal form needs all nine digits, and ones far from 1. */
    private static final float[] EMBEDDING = { 0.0026921628f, -0.0731083f, 1.1454968E-4f, 0.1f, -0.99999994f,
            Float.MIN_NORMAL, 3.4028235E38f };

    @Test
    void shouldKeepEveryFloatOfAnInProcessEmbedding() throws Exception {
        ImageResult result = new ImageResult("https://img/1.jpg", new ImageResult.NsfwResult(false, 0.123456789012345),
                null, EMBEDDING, null, null, null, null);
        ObjectNode line = OutputLine.of(MAPPER, InputRecord.image(3, "p3", "https://img/1.jpg"),
                MAPPER.valueToTree(result));
        String text = MAPPER.writeValueAsString(line);
        assertThat(text).startsWith("{\"line\":3,\"id\":\"p3\",\"url\":\"https://img/1.jpg\",\"nsfw\":");
        assertThat(text).contains("0.0026921628,").doesNotContain("0.00269216280");
        JsonNode read = MAPPER.readTree(text);
        assertThat(floats(read.get("embedding"))).containsExactly(EMBEDDING);
        assertThat(read.get("nsfw").get("score").asDouble()).isEqualTo(0.123456789012345);
    }

    @Test
    void shouldKeepEveryFloatOfAnEmbeddingReadFromJson() throws Exception {
        StringBuilder json = new StringBuilder("{\"url\":\"x\",\"embedding\":[");
        for (int i = 0; i < EMBEDDING.length; i++) {
            json.append(i == 0 ? "" : ",").append(EMBEDDING[i]);
        }
        String answer = json.append("]}").toString();
        ObjectMapper remote = BulkCommand.remoteMapper();
        String text = remote.writeValueAsString(OutputLine.of(remote, InputRecord.image(1, null, "x"),
                remote.readTree(answer)));
        // The same decimals the service wrote (exponents may be written as E+38 instead of E38).
        assertThat(decimals(text)).usingElementComparator(BigDecimal::compareTo).containsExactlyElementsOf(
                decimals(answer));
        assertThat(floats(MAPPER.readTree(text).get("embedding"))).containsExactly(EMBEDDING);
    }

    @Test
    void shouldWriteErrorsFirstAndPassUnknownFieldsThrough() throws Exception {
        ObjectNode result = (ObjectNode) MAPPER.readTree("{\"url\":\"shortened by the service\",\"quality\":"
                + "{\"passes\":true,\"score\":0.7},\"codes\":[\"EAN-13\"],\"error\":{\"code\":\"FETCH_TIMEOUT\","
                + "\"message\":\"slow\"}}");
        String text = MAPPER.writeValueAsString(OutputLine.of(MAPPER, InputRecord.image(9, null, "https://img/9.jpg"),
                result));
        assertThat(text).isEqualTo("{\"line\":9,\"url\":\"https://img/9.jpg\",\"error\":{\"code\":\"FETCH_TIMEOUT\","
                + "\"message\":\"slow\"},\"quality\":{\"passes\":true,\"score\":0.7},\"codes\":[\"EAN-13\"]}");
        ResultPrefix prefix = ResultPrefix.read(text.getBytes());
        assertThat(prefix).isEqualTo(new ResultPrefix(9, null, "https://img/9.jpg", "FETCH_TIMEOUT", "slow"));
    }

    private static List<BigDecimal> decimals(String json) {
        String array = json.substring(json.indexOf("\"embedding\":[") + 13, json.indexOf(']'));
        return Arrays.stream(array.split(",")).map(BigDecimal::new).toList();
    }

    private static float[] floats(JsonNode array) {
        List<Float> list = new ArrayList<>();
        array.forEach(n -> list.add((float) n.asDouble()));
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }
}
