package com.ffs.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/** bulk's input: the three formats, how each is recognised, and malformed lines reported with their number. */
class InputReaderTest {

    @TempDir
    Path dir;

    private List<InputRecord> read(String name, String content, InputFormat format) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        try (InputReader reader = InputReader.open(file.toString(), format, null, new ObjectMapper())) {
            List<InputRecord> out = new ArrayList<>();
            InputRecord r;
            while ((r = reader.next()) != null) {
                out.add(r);
            }
            return out;
        }
    }

    @Test
    void shouldReadOneImagePerLineSkippingBlankLines() throws Exception {
        List<InputRecord> records = read("images.txt", "https://a/1.jpg\n\n  https://a/2.jpg  \r\n"
                + "data:image/png;base64,iVBOR\n", InputFormat.AUTO);
        assertThat(records).containsExactly(InputRecord.image(1, null, "https://a/1.jpg"),
                InputRecord.image(3, null, "https://a/2.jpg"),
                InputRecord.image(4, null, "data:image/png;base64,iVBOR"));
    }

    @Test
    void shouldReadCsvWithQuotesAndReportBadRowsByLine() throws Exception {
        String csv = "\uFEFFid,URL,notes\n"
                + "a1,https://a/1.jpg,plain\n"
                + "\"a,2\",\"https://a/2.jpg\",\"said \"\"hi\"\"\"\n"
                + "a3,https://a/3.jpg\n"
                + "a4,,x\n"
                + "a5,\"https://a/5.jpg,x\n";
        List<InputRecord> records = read("list.csv", csv, InputFormat.AUTO);
        assertThat(records).hasSize(5);
        assertThat(records.get(0)).isEqualTo(InputRecord.image(2, "a1", "https://a/1.jpg"));
        assertThat(records.get(1)).isEqualTo(InputRecord.image(3, "a,2", "https://a/2.jpg"));
        assertThat(records.get(2).malformed()).contains("2 fields, the header 3");
        assertThat(records.get(2).line()).isEqualTo(4);
        assertThat(records.get(3).malformed()).contains("empty url");
        assertThat(records.get(3).id()).isEqualTo("a4");
        assertThat(records.get(4).malformed()).contains("not closed");
        assertThat(records.get(4).line()).isEqualTo(6);
    }

    @Test
    void shouldRecogniseCsvAndJsonLinesByContent() throws Exception {
        assertThat(read("noext", "url\nhttps://a/1.jpg\n", InputFormat.AUTO))
                .containsExactly(InputRecord.image(2, null, "https://a/1.jpg"));
        assertThat(read("noext2", "{\"url\": \"https://a/1.jpg\", \"id\": 7}\n", InputFormat.AUTO))
                .containsExactly(InputRecord.image(1, "7", "https://a/1.jpg"));
    }

    @Test
    void shouldReportMalformedJsonLines() throws Exception {
        List<InputRecord> records = read("in.jsonl", """
                {"url": "https://a/1.jpg", "id": "x"}
                {"url": "https://a/2.jpg"
                [1, 2]
                {"id": "no-url"}
                {"url": 5}
                {"url": "https://a/6.jpg", "id": {"nested": true}}
                """, InputFormat.AUTO);
        assertThat(records.get(0)).isEqualTo(InputRecord.image(1, "x", "https://a/1.jpg"));
        assertThat(records.subList(1, 6)).allMatch(InputRecord::isMalformed);
        assertThat(records.subList(1, 6)).extracting(InputRecord::line).containsExactly(2L, 3L, 4L, 5L, 6L);
        assertThat(records.get(1).malformed()).startsWith("not a JSON object");
        assertThat(records.get(3).malformed()).isEqualTo("no 'url' string");
        assertThat(records.get(3).id()).isEqualTo("no-url");
        assertThat(records.get(5).malformed()).contains("'id'");
    }

    @Test
    void shouldReportLinesThatAreNotUtf8OrTooLong() throws Exception {
        Path file = dir.resolve("bytes.txt");
        byte[] bad = { 'h', 't', (byte) 0xC3, '\n', 'o', 'k', '\n' };
        Files.write(file, bad);
        try (InputReader reader = InputReader.open(file.toString(), InputFormat.TEXT, null, new ObjectMapper())) {
            assertThat(reader.next().malformed()).contains("UTF-8");
            assertThat(reader.next()).isEqualTo(InputRecord.image(2, null, "ok"));
        }
        try (LineReader lines = new LineReader(new ByteArrayInputStream("abcdefghij\nxy".getBytes(
                StandardCharsets.UTF_8)), 4)) {
            LineReader.Line first = lines.next();
            assertThat(first.tooLong()).isTrue();
            assertThat(first.length()).isEqualTo(10);
            LineReader.Line second = lines.next();
            assertThat(second.text()).isEqualTo("xy");
            assertThat(second.terminated()).isFalse();
            assertThat(second.offset()).isEqualTo(11);
            assertThat(lines.next()).isNull();
        }
    }

    @Test
    void shouldRefuseACsvWithoutUrlColumnAndAMissingFile() throws IOException {
        Path file = dir.resolve("labels.csv");
        Files.writeString(file, "id,link\n1,https://a/1.jpg\n");
        assertThatThrownBy(() -> InputReader.open(file.toString(), InputFormat.AUTO, null, new ObjectMapper()))
                .isInstanceOf(CliFailure.class).hasMessageContaining("no 'url' column (columns: id, link)")
                .extracting(e -> ((CliFailure) e).exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThatThrownBy(() -> InputReader.open(dir.resolve("none.txt").toString(), InputFormat.AUTO, null,
                new ObjectMapper())).isInstanceOf(CliFailure.class).hasMessageContaining("does not exist");
    }

    @Test
    void shouldReadStandardInputAndCountFileInputs() throws Exception {
        ByteArrayInputStream stdin = new ByteArrayInputStream("https://a/1.jpg\nhttps://a/2.jpg\n".getBytes(
                StandardCharsets.UTF_8));
        try (InputReader reader = InputReader.open("-", InputFormat.AUTO, stdin, new ObjectMapper())) {
            assertThat(reader.next().url()).isEqualTo("https://a/1.jpg");
            assertThat(reader.next().url()).isEqualTo("https://a/2.jpg");
            assertThat(reader.next()).isNull();
        }
        Path file = dir.resolve("count.csv");
        Files.writeString(file, "url\n a\n\n \nb\nc");
        assertThat(InputReader.count(file.toString(), InputFormat.CSV)).isEqualTo(3);
        assertThat(InputReader.count("-", InputFormat.TEXT)).isEqualTo(-1);
    }
}
