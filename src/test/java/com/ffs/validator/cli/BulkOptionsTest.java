package com.ffs.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** bulk's options: endpoints, keys from the environment, defaults and one-line errors. */
class BulkOptionsTest {

    private static BulkOptions parse(Map<String, String> env, String... args) throws CliFailure {
        return BulkOptions.parse(BulkOptions.COMMAND.parse(List.of(args)), env);
    }

    @Test
    void shouldTellNativeFromRunPodEndpoints() {
        assertThat(BulkOptions.Endpoint.parse("http://svc:8080")).isEqualTo(new BulkOptions.Endpoint(
                BulkOptions.Endpoint.Kind.NATIVE, URI.create("http://svc:8080")));
        assertThat(BulkOptions.Endpoint.parse("https://svc/base/v1/validate/")).isEqualTo(new BulkOptions.Endpoint(
                BulkOptions.Endpoint.Kind.NATIVE, URI.create("https://svc/base")));
        assertThat(BulkOptions.Endpoint.parse("https://api.runpod.ai/v2/abc123/")).isEqualTo(
                new BulkOptions.Endpoint(BulkOptions.Endpoint.Kind.RUNPOD,
                        URI.create("https://api.runpod.ai/v2/abc123")));
        assertThat(BulkOptions.Endpoint.parse("http://localhost:8080/v2/test").resolve("/run"))
                .isEqualTo(URI.create("http://localhost:8080/v2/test/run"));
        assertThatThrownBy(() -> BulkOptions.Endpoint.parse("ftp://x")).hasMessageContaining("http(s)");
        assertThatThrownBy(() -> BulkOptions.Endpoint.parse("http://x/?a=1")).hasMessageContaining("query");
    }

    @Test
    void shouldTakeTheKeyFromTheEnvironmentThatMatchesTheEndpoint() throws CliFailure {
        Map<String, String> env = Map.of("FFS_API_KEY", "ffs", "RUNPOD_API_KEY", "rp");
        assertThat(parse(env, "--input", "a", "--output", "b", "--endpoint", "http://h").apiKey()).contains("ffs");
        assertThat(parse(env, "--input", "a", "--output", "b", "--endpoint", "https://api.runpod.ai/v2/e").apiKey())
                .contains("rp");
        assertThat(parse(env, "--input", "a", "--output", "b", "--endpoint", "http://h", "--api-key", "own")
                .apiKey()).contains("own");
        assertThat(parse(env, "--input", "a", "--output", "b").apiKey()).isEmpty();
    }

    @Test
    void shouldAskForChecksInsteadOfAnAction() throws CliFailure {
        BulkOptions o = parse(Map.of(), "--input", "a", "--output", "b", "--checks", "quality, CODES,nsfw");
        assertThat(o.ask()).isEqualTo(new Ask("validate", List.of("quality", "codes", "nsfw")));
        assertThat(o.ask().body(List.of("u"))).containsExactly(Map.entry("checks", List.of("quality", "codes", "nsfw")),
                Map.entry("images", List.of("u")));
        assertThat(o.ask().request(List.of("u")).checks()).containsExactly("quality", "codes", "nsfw");
        assertThat(o.ask().request(List.of("u")).action()).isNull();
        assertThatThrownBy(() -> parse(Map.of(), "--input", "a", "--output", "b", "--checks", "quality,watermark"))
                .hasMessageContaining("--checks takes nsfw, fashion, embedding, quality, codes");
        assertThatThrownBy(() -> parse(Map.of(), "--input", "a", "--output", "b", "--checks", "quality", "--action",
                "nsfw")).hasMessageContaining("either --action or --checks");
    }

    @Test
    void shouldApplyDefaultsAndReadDurations() throws CliFailure {
        BulkOptions o = parse(Map.of(), "--input=in.txt", "--output", "out.jsonl", "--give-up-after", "90s",
                "--drain-timeout", "1500ms", "--action", "NSFW");
        assertThat(o.batch()).isEqualTo(16);
        assertThat(o.concurrency()).isEqualTo(8);
        assertThat(o.retries()).isEqualTo(2);
        assertThat(o.ask()).isEqualTo(new Ask("nsfw", null));
        assertThat(o.giveUpAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(o.drainTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.endpoint()).isEmpty();
    }

    @Test
    void shouldRefuseBadOptionsWithOneLine() {
        assertThatThrownBy(() -> parse(Map.of(), "--input", "a")).hasMessage(
                "bulk: --output is required (see bulk --help)");
        assertThatThrownBy(() -> parse(Map.of(), "--input", "a", "--output", "b", "--batch", "0"))
                .hasMessageContaining("--batch must be a whole number from 1 to 1024, got '0'");
        assertThatThrownBy(() -> parse(Map.of(), "--input", "a", "--output", "b", "--action", "similarity"))
                .hasMessageContaining("--action must be one of validate, nsfw, fashion, embedding");
        assertThatThrownBy(() -> parse(Map.of(), "--input", "a", "--output", "b", "--colour", "x"))
                .hasMessageContaining("unknown option --colour");
        assertThatThrownBy(() -> parse(Map.of(), "--input", "a", "--output", "-"))
                .hasMessageContaining("must be a file");
        assertThatThrownBy(() -> parse(Map.of(), "--input", "a", "--output", "b", "--api-key", "k"))
                .hasMessageContaining("--api-key needs --endpoint");
        assertThatThrownBy(() -> parse(Map.of(), "--input", "a", "--output", "b", "--give-up-after", "soon"))
                .hasMessageContaining("a duration like");
        assertThatThrownBy(() -> parse(Map.of(), "--input", "a", "--output", "b", "--batch"))
                .hasMessageContaining("--batch needs a value");
        assertThatThrownBy(() -> parse(Map.of(), "--input", "a", "--output", "b", "extra"))
                .hasMessageContaining("unexpected argument 'extra'").isInstanceOf(CliFailure.class);
    }

    @Test
    void shouldListEveryOptionInTheHelp() throws CliFailure {
        assertThat(BulkOptions.COMMAND.parse(List.of("--input", "x", "--help")).help()).isTrue();
        String help = BulkOptions.COMMAND.help();
        for (String option : List.of("--input FILE", "--output FILE", "--format", "--action", "--endpoint URL",
                "--api-key", "--batch N", "--concurrency N", "--retries", "--give-up-after", "--drain-timeout",
                "--request-timeout", "--max-request-bytes", "--progress", "--help", "Exit status")) {
            assertThat(help).contains(option);
        }
    }
}
