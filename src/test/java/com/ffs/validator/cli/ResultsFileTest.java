package com.ffs.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resuming bulk's output: what counts as done, what is dropped to retry, and repairs. */
class ResultsFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldResumeFinalLinesAndDropTransientOnesOnce() throws Exception {
        Path out = dir.resolve("out.jsonl");
        Files.writeString(out, """
                {"line":1,"url":"https://a/1.jpg","nsfw":{"is_nsfw":false,"score":0.1}}
                {"line":2,"url":"https://a/2.jpg","error":{"code":"FETCH_TIMEOUT","message":"timed out"}}
                {"line":3,"id":"x","url":"https://a/3.jpg","error":{"code":"FETCH_HTTP_STATUS","message":"HTTP 404"}}
                {"line":4,"url":"https://a/4.jpg","error":{"code":"FETCH_HTTP_STATUS","message":"HTTP 502"}}
                {"line":5,"error":{"code":"MALFORMED_INPUT","message":"not a JSON object"}}
                """);
        Tally tally = new Tally();
        try (ResultsFile file = ResultsFile.open(out, tally)) {
            ResultsFile.Resumed resumed = file.resumed();
            assertThat(resumed.done().contains(1)).isTrue();
            assertThat(resumed.done().contains(2)).isFalse();
            assertThat(resumed.done().contains(3)).isTrue();
            assertThat(resumed.done().contains(4)).isFalse();
            assertThat(resumed.done().contains(5)).isTrue();
            assertThat(resumed.dropped()).isEqualTo(2);
            assertThat(resumed.sample().get(3L)).isEqualTo(new ResultsFile.Key("x", "https://a/3.jpg"));
            assertThat(resumed.notes()).anyMatch(n -> n.contains("dropped 2 line(s) with transient errors"));
        }
        assertThat(tally.ok()).isEqualTo(1);
        assertThat(tally.errors()).isEqualTo(2);
        assertThat(tally.byCode()).containsOnlyKeys("FETCH_HTTP_STATUS", "MALFORMED_INPUT");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(3);
        assertThat(lines).noneMatch(l -> l.contains("FETCH_TIMEOUT") || l.contains("HTTP 502"));
        assertThat(dir.resolve("out.jsonl.rewrite")).doesNotExist();
    }

    @Test
    void shouldCutAnIncompleteLastLineAndAppendWholeLines() throws Exception {
        Path out = dir.resolve("out.jsonl");
        Files.writeString(out, "{\"line\":1,\"url\":\"u1\",\"x\":1}\n{\"line\":2,\"url\":\"u2\",\"embedd");
        try (ResultsFile file = ResultsFile.open(out, new Tally())) {
            assertThat(file.resumed().done().contains(2)).isFalse();
            assertThat(file.resumed().notes()).anyMatch(n -> n.startsWith("cut an incomplete last line"));
            assertThat(file.write("{\"line\":2,\"url\":\"u2\",\"x\":2}\n".getBytes(StandardCharsets.UTF_8))).isTrue();
        }
        assertThat(Files.readString(out)).isEqualTo("{\"line\":1,\"url\":\"u1\",\"x\":1}\n"
                + "{\"line\":2,\"url\":\"u2\",\"x\":2}\n");
    }

    @Test
    void shouldRefuseWritesOnceClosed() throws Exception {
        Path out = dir.resolve("new.jsonl");
        ResultsFile file = ResultsFile.open(out, new Tally());
        assertThat(file.write("{\"line\":1}\n".getBytes(StandardCharsets.UTF_8))).isTrue();
        file.close();
        assertThat(file.write("{\"line\":2}\n".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(Files.readAllLines(out)).containsExactly("{\"line\":1}");
    }

    @Test
    void shouldKeepTheFirstFinalLineOfAnInput() throws Exception {
        Path out = dir.resolve("dup.jsonl");
        Files.writeString(out, "{\"line\":1,\"url\":\"a\",\"x\":1}\n{\"line\":1,\"url\":\"a\",\"x\":2}\n");
        try (ResultsFile file = ResultsFile.open(out, new Tally())) {
            assertThat(file.resumed().done().size()).isEqualTo(1);
        }
        assertThat(Files.readAllLines(out)).containsExactly("{\"line\":1,\"url\":\"a\",\"x\":1}");
    }

    @Test
    void shouldRefuseAFileThatIsNotBulkOutput() throws Exception {
        Path out = dir.resolve("other.jsonl");
        Files.writeString(out, "{\"line\":1,\"url\":\"a\"}\nhello world\n");
        assertThatThrownBy(() -> ResultsFile.open(out, new Tally())).isInstanceOf(CliFailure.class)
                .hasMessageContaining("line 2 of output file").hasMessageContaining("not a bulk result");
        Files.writeString(out, "{\"url\":\"a\",\"line\":\"one\"}\n");
        assertThatThrownBy(() -> ResultsFile.open(out, new Tally())).isInstanceOf(CliFailure.class);
    }

    @Test
    void shouldKeepLineNumbersInPages() {
        LineSet set = new LineSet();
        assertThat(set.add(1)).isTrue();
        assertThat(set.add(1)).isFalse();
        assertThat(set.add(10_000_000)).isTrue();
        assertThat(set.add(65_536)).isTrue();
        assertThat(set.contains(65_535)).isFalse();
        assertThat(set.contains(65_536)).isTrue();
        assertThat(set.contains(10_000_000)).isTrue();
        assertThat(set.size()).isEqualTo(3);
    }
}
