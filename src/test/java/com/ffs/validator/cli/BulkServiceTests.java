package com.ffs.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.testing.ImageServer;
import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.KeysTestResource;
import com.ffs.validator.validation.Admission;
import com.ffs.validator.validation.ImageResult;
import com.ffs.validator.validation.ValidationRequest;
import com.ffs.validator.validation.ValidationService;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * bulk against the demo models, in this process and through a running service (its native API and its RunPod-style
 * routes), with images from an in-process server: the same results in all three, embeddings at float32 precision,
 * malformed lines and a refused key.
 */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
@WithTestResource(KeysTestResource.class)
class BulkServiceTests {

    static final String KEY = KeysTestResource.BULK;
    private static final Offset<Double> TOLERANCE = within(1e-5);

    /** An API key on the service, and a small request limit to refuse. */

    private static ImageServer images;

    @Inject
    ValidationService service;

    @Inject
    ObjectMapper mapper;

    @TestHTTPResource("/")
    URL root;

    @TempDir
    Path dir;

    @BeforeAll
    static void startImages() throws IOException {
        images = new ImageServer();
    }

    @AfterAll
    static void stopImages() {
        images.close();
    }

    private record Run(int code, String err, Map<Long, JsonNode> lines) {
    }

    private List<String> inputUrls() {
        List<String> urls = new ArrayList<>();
        for (String file : List.of("red.png", "green.jpg", "blue.gif", "red.webp", "truncated.jpg",
                "not-an-image.html", "absent.png")) {
            urls.add(images.image("formats/" + file));
        }
        return urls;
    }

    private Path input() throws IOException {
        Path input = dir.resolve("in.jsonl");
        List<String> lines = new ArrayList<>();
        List<String> urls = inputUrls();
        for (int i = 0; i < urls.size(); i++) {
            lines.add("{\"id\": \"img-" + i + "\", \"url\": \"" + urls.get(i) + "\"}");
        }
        lines.add("{\"id\": \"broken\", \"url\": ");
        Files.write(input, lines);
        return input;
    }

    private Run bulk(Backend backend, Path output, String... extra) throws Exception {
        return bulk(input(), backend, output, extra);
    }

    private Run bulk(Path input, Backend backend, Path output, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--input", input.toString(), "--output", output.toString(),
                "--concurrency", "2", "--progress", "lines", "--give-up-after", "20s"));
        args.addAll(List.of(extra));
        if (!args.contains("--batch")) {
            args.addAll(List.of("--batch", "3"));
        }
        BulkOptions options = BulkOptions.parse(BulkOptions.COMMAND.parse(args), Map.of());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        BulkCommand command = new BulkCommand(options, mapper, null, new PrintStream(err, true,
                StandardCharsets.UTF_8), false, Duration.ofMillis(10), Duration.ofMillis(10));
        if (backend == null) {
            backend = BulkCommand.remote(options, BulkCommand.remoteMapper());
        }
        int code = command.execute(backend, new StopSignal(), new InProcessBulk(service, mapper)::awaitModels);
        Map<Long, JsonNode> lines = new HashMap<>();
        if (Files.exists(output)) {
            for (String line : Files.readAllLines(output)) {
                JsonNode node = mapper.readTree(line);
                assertThat(lines.put(node.get("line").asLong(), node)).isNull();
            }
        }
        return new Run(code, err.toString(StandardCharsets.UTF_8), lines);
    }

    private Run inProcess(Path output) throws Exception {
        return bulk(new InProcessBackend(service, mapper, new Ask("validate", null)), output);
    }

    private String base() {
        String s = root.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Test
    void shouldRunInProcessWithTheServicesOwnResults() throws Exception {
        Run run = inProcess(dir.resolve("in-process.jsonl"));
        assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.lines()).hasSize(8);
        assertThat(run.lines().get(1L).get("id").asText()).isEqualTo("img-0");
        assertThat(run.lines().get(5L).get("error").get("code").asText()).isEqualTo("DECODE_FAILED");
        assertThat(run.lines().get(6L).get("error").get("code").asText()).isEqualTo("UNSUPPORTED_FORMAT");
        assertThat(run.lines().get(7L).get("error").get("code").asText()).isEqualTo("FETCH_HTTP_STATUS");
        assertThat(run.lines().get(8L).get("error").get("code").asText()).isEqualTo("MALFORMED_INPUT");
        assertThat(run.lines().get(8L).has("id")).as("the line is not JSON: no id to read").isFalse();
        assertThat(run.err()).contains("input line 8 skipped");

        // Batches are composed differently from one run to the next, and ONNX Runtime's sums with them: the same
        // image agrees to float rounding, not bit for bit (exact float32 output is OutputLineTest's).
        List<ImageResult> direct = service.validate(new ValidationRequest("validate", inputUrls().subList(0, 4)),
                Admission.WAIT_WHEN_BUSY).join().results();
        for (int i = 0; i < 4; i++) {
            JsonNode line = run.lines().get(i + 1L);
            assertThat(line.get("nsfw").get("score").asDouble()).isCloseTo(direct.get(i).nsfw().score(), TOLERANCE);
            assertThat(line.get("fashion").get("is_fashion").asBoolean()).isEqualTo(direct.get(i).fashion()
                    .isFashion());
            assertThat(floats(line.get("embedding"))).hasSize(direct.get(i).embedding().length)
                    .containsExactly(direct.get(i).embedding(), within(1e-5f));
        }
    }

    @Test
    void shouldGiveTheSameLinesThroughTheNativeApiAndRunPodRoutes() throws Exception {
        Run local = inProcess(dir.resolve("local.jsonl"));
        Run api = bulk(null, dir.resolve("api.jsonl"), "--endpoint", base(), "--api-key", KEY);
        Run runpod = bulk(null, dir.resolve("runpod.jsonl"), "--endpoint", base() + "/v2/test-endpoint",
                "--api-key", KEY);
        assertThat(api.code()).as(api.err()).isEqualTo(ExitCodes.OK);
        assertThat(runpod.code()).as(runpod.err()).isEqualTo(ExitCodes.OK);
        assertThat(api.err()).contains("(ffs-validator API)");
        assertThat(runpod.err()).contains("(RunPod endpoint)");
        for (Run remote : List.of(api, runpod)) {
            assertThat(remote.lines()).hasSize(8);
            for (long line = 1; line <= 8; line++) {
                JsonNode a = local.lines().get(line);
                JsonNode b = remote.lines().get(line);
                assertThat(b.path("error").path("code")).isEqualTo(a.path("error").path("code"));
                assertThat(b.has("nsfw")).isEqualTo(a.has("nsfw"));
                if (a.has("nsfw")) {
                    assertThat(b.path("nsfw").path("score").asDouble()).isCloseTo(a.path("nsfw").path("score")
                            .asDouble(), TOLERANCE);
                    assertThat(b.path("fashion").path("is_fashion")).isEqualTo(a.path("fashion").path("is_fashion"));
                    assertThat(floats(b.get("embedding"))).containsExactly(floats(a.get("embedding")), within(1e-5f));
                }
            }
            assertThat(remote.lines().get(1L).path("demo").asBoolean(false)).isFalse();
        }
    }

    @Test
    void shouldStopWithOneLineWhenTheKeyIsRefused() throws Exception {
        for (String endpoint : List.of(base(), base() + "/v2/test-endpoint")) {
            Path output = dir.resolve("refused-" + endpoint.length() + ".jsonl");
            Run run = bulk(null, output, "--endpoint", endpoint, "--api-key", "wrong-key");
            assertThat(run.code()).isEqualTo(ExitCodes.REFUSED);
            assertThat(run.err().lines().filter(l -> l.contains("refused the API key (HTTP 401)"))).hasSize(1);
            assertThat(run.lines()).hasSize(1).containsKey(8L);
        }
    }

    @Test
    void shouldStopWhenTheServiceRefusesTheRequestSize() throws Exception {
        Path input = dir.resolve("many.txt");
        Files.write(input, Collections.nCopies(9, images.image("formats/red.png")));
        Run remote = bulk(input, null, dir.resolve("big-remote.jsonl"), "--endpoint", base(), "--api-key", KEY,
                "--batch", "9");
        assertThat(remote.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(remote.err()).contains("answered HTTP 400 to POST /v1/validate: at most 8 images per request");
        Run local = bulk(input, new InProcessBackend(service, mapper, new Ask("validate", null)), dir.resolve("big.jsonl"),
                "--batch", "9");
        assertThat(local.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(local.err()).contains("the service refused the request: at most 8 images per request");
        assertThat(local.lines()).isEmpty();
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }
}
