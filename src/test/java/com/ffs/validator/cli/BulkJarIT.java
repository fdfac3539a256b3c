package com.ffs.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The packaged jar's subcommands as a user runs them: {@code bulk} in-process on the demo models listens on no port,
 * survives a kill and a SIGTERM with one complete line per input and no answered input fetched again;
 * {@code calibrate} and both {@code --help}s work without loading models.
 */
class BulkJarIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private CountingImageServer images;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        images = new CountingImageServer();
    }

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        images.close();
    }

    private Process launch(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dvalidator.models.demo=true", "-Dvalidator.inference.device=cpu",
                "-Dvalidator.fetch.allow-private=true", "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("VALIDATOR_")
                || k.startsWith("RUNPOD_") || k.equals("PORT") || k.equals("FFS_API_KEY"));
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private String err(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".err"));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** The output by input line; every line must be complete JSON, and no input may have two. */
    private Map<Long, JsonNode> lines(Path output) throws IOException {
        Map<Long, JsonNode> byLine = new HashMap<>();
        String text = Files.exists(output) ? Files.readString(output) : "";
        assertThat(text.isEmpty() || text.endsWith("\n")).as("the file ends with a complete line").isTrue();
        for (String line : text.lines().toList()) {
            JsonNode node = MAPPER.readTree(line);
            assertThat(byLine.put(node.get("line").asLong(), node)).as("one line per input").isNull();
        }
        return byLine;
    }

    private long lineCount(Path output) {
        try {
            return Files.exists(output) ? Files.readAllLines(output).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Query strings of the image requests (each input has its own). */
    private Set<String> fetched() {
        Set<String> tags = new HashSet<>();
        for (String r : images.requests()) {
            tags.add(r.substring(r.indexOf('?') + 1));
        }
        return tags;
    }

    private static Set<String> answered(Map<Long, JsonNode> lines) {
        Set<String> tags = new HashSet<>();
        for (JsonNode node : lines.values()) {
            String url = node.get("url").asText();
            tags.add(url.substring(url.indexOf('?') + 1));
        }
        return tags;
    }

    @Test
    void shouldListenOnNoPortAndResumeAfterAKillWithoutFetchingAnsweredImagesAgain() throws Exception {
        Path input = dir.resolve("catalogue.txt");
        List<String> urls = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            String file = i % 2 == 0 ? "red.png" : "green.jpg";
            urls.add(i <= 10 ? images.image(file, i) : images.held(file, i));
        }
        Files.write(input, urls);
        Path output = dir.resolve("results.jsonl");
        String[] bulk = { "bulk", "--input", input.toString(), "--output", output.toString(), "--batch", "2",
                "--concurrency", "2" };

        Process first = launch("first", bulk);
        assertThat(images.awaitHeld(2, WAIT.toSeconds())).as("requests wait at the image server").isTrue();
        await("the first ten lines", () -> lineCount(output) >= 10);
        // Control: the detector sees this JVM's own listener (the image server).
        assertThat(ListeningSockets.of(ProcessHandle.current().pid())).isNotEmpty();
        assertThat(ListeningSockets.of(first.pid())).as("sockets bulk listens on").isEmpty();
        assertThat(err("first")).doesNotContain("Listening on");

        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Map<Long, JsonNode> before = lines(output);
        assertThat(before).hasSizeBetween(10, 39);
        Set<String> answeredBefore = answered(before);

        images.clear();
        images.release();
        Process second = launch("second", bulk);
        assertThat(second.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as(err("second")).isEqualTo(ExitCodes.OK);
        assertThat(err("second")).contains("resuming: " + before.size() + " input(s) already have a line");
        assertThat(fetched()).as("answered inputs are not fetched again").doesNotContainAnyElementsOf(answeredBefore);
        Map<Long, JsonNode> after = lines(output);
        assertThat(after.keySet()).hasSize(40).allMatch(line -> line >= 1 && line <= 40);
        assertThat(after.values()).allMatch(n -> n.has("nsfw") && n.has("fashion") && n.get("embedding").size() > 0);
        assertThat(err("second")).contains("40 inputs: 40 results, 0 errors");
    }

    @Test
    void shouldWriteRequestsInFlightOnSigtermAndContinueAfterwards() throws Exception {
        Path input = dir.resolve("catalogue.csv");
        List<String> rows = new ArrayList<>(List.of("id,url"));
        for (int i = 1; i <= 12; i++) {
            rows.add("p" + i + "," + (i <= 4 ? images.image("blue.gif", i) : images.held("blue.gif", i)));
        }
        rows.add("p13,");
        Files.write(input, rows);
        Path output = dir.resolve("results.jsonl");
        String[] bulk = { "bulk", "--input", input.toString(), "--output", output.toString(), "--batch", "2",
                "--concurrency", "2", "--drain-timeout", "60s", "--action", "nsfw" };

        Process first = launch("first", bulk);
        await("the first lines", () -> lineCount(output) >= 4);
        assertThat(images.awaitHeld(4, WAIT.toSeconds())).as("two requests of two wait for their images").isTrue();
        first.destroy();
        await("the SIGTERM note", () -> {
            try {
                return err("first").contains("SIGTERM: taking no more input");
            } catch (IOException e) {
                return false;
            }
        });
        images.release();
        assertThat(first.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).as(err("first")).isEqualTo(ExitCodes.TERMINATED);
        assertThat(err("first")).contains("stopped by SIGTERM").contains("run the same command again");
        Map<Long, JsonNode> before = lines(output);
        // Four answered at once, and the two requests in flight when the signal came; nothing read after it.
        assertThat(before).hasSize(8);
        assertThat(before.get(2L).get("id").asText()).isEqualTo("p1");

        images.clear();
        Process second = launch("second", bulk);
        assertThat(second.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as(err("second")).isEqualTo(ExitCodes.OK);
        assertThat(fetched()).hasSize(4).doesNotContainAnyElementsOf(answered(before));
        Map<Long, JsonNode> after = lines(output);
        assertThat(after).hasSize(13);
        assertThat(after.get(14L).get("error").get("code").asText()).isEqualTo("MALFORMED_INPUT");
        assertThat(after.get(14L).get("id").asText()).isEqualTo("p13");
        assertThat(err("second")).contains("input line 14 skipped: CSV row has an empty url");
        assertThat(after.values()).filteredOn(n -> !n.has("error")).allMatch(n -> n.has("nsfw") && !n.has("fashion"));
    }

    @Test
    void shouldCalibrateAndHelpWithoutLoadingModels() throws Exception {
        Path results = dir.resolve("results.jsonl");
        Files.write(results, List.of(
                "{\"line\":1,\"url\":\"https://img/1.jpg\",\"nsfw\":{\"is_nsfw\":true,\"score\":0.9}}",
                "{\"line\":2,\"url\":\"https://img/2.jpg\",\"nsfw\":{\"is_nsfw\":false,\"score\":0.3}}",
                "{\"line\":3,\"url\":\"https://img/3.jpg\",\"nsfw\":{\"is_nsfw\":true,\"score\":0.6}}"));
        Path labels = dir.resolve("labels.csv");
        Files.writeString(labels, "url,nsfw\nhttps://img/1.jpg,1\nhttps://img/2.jpg,0\nhttps://img/3.jpg,0\n");
        Process calibrate = launch("calibrate", "calibrate", "--results", results.toString(), "--labels",
                labels.toString(), "--report", dir.resolve("report.html").toString());
        assertThat(calibrate.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(calibrate.exitValue()).as(err("calibrate")).isEqualTo(ExitCodes.OK);
        String out = Files.readString(dir.resolve("calibrate.out"));
        assertThat(out).contains("validator.nsfw.threshold=0.9");
        assertThat(out + err("calibrate")).doesNotContain("model").doesNotContain("Quarkus")
                .doesNotContain("Listening");
        assertThat(dir.resolve("report.html")).exists();

        for (String command : List.of("bulk", "calibrate")) {
            Process help = launch(command + "-help", command, "--help");
            assertThat(help.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(help.exitValue()).isZero();
            assertThat(Files.readString(dir.resolve(command + "-help.out"))).startsWith("Usage: ")
                    .contains("--help").contains("Exit status");
        }
        Process bad = launch("bad", "bulk", "--input", dir.resolve("none.txt").toString(), "--output",
                dir.resolve("o.jsonl").toString());
        assertThat(bad.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(ExitCodes.USAGE);
        assertThat(err("bad").strip()).isEqualTo("bulk: input file " + dir.resolve("none.txt") + " does not exist");
    }
}
